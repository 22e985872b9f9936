import io.javalin.Javalin;

/**
 * The floor for start-up: Javalin 7 on Jetty with virtual threads and one /health/ready route, nothing
 * else (no TLS, database, migrations or auth). bench/cold-start.sh starts it the same way as the server.
 */
public final class BareJavalin {
    public static void main(String[] args) {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "18444"));
        Javalin.create(cfg -> {
                    cfg.startup.showJavalinBanner = false;
                    cfg.concurrency.useVirtualThreads = true;
                    cfg.jetty.host = "127.0.0.1";
                    cfg.routes.get("/health/ready", ctx -> ctx.result("{\"status\":\"UP\"}"));
                })
                .start(port);
    }
}
