package io.romotica.server.common;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * The route table that features fill through their {@code XxxRoutes.register(Api)}. Every route states who
 * may call it ({@link Access}) and what it takes and returns; the web layer installs the routes with access
 * and CSRF checks around them and derives the OpenAPI document from the same table, so the document cannot
 * drift from the code. Filled once at start-up on one thread.
 */
public final class Api {
    /** Request attribute under which the web layer stores the {@link Principal}. */
    public static final String PRINCIPAL = "romotica.principal";
    /** Request attribute under which the web layer stores the {@link RequestInfo}. */
    public static final String REQUEST_INFO = "romotica.request";

    /**
     * One documented route. {@code request} and {@code response} are null when there is no body.
     * {@code activity}: whether a call keeps the caller's session alive (see {@link #passive()}).
     */
    public record Route(
            HandlerType method,
            String path,
            Access access,
            String tag,
            String summary,
            Class<?> request,
            Type response,
            int status,
            Handler handler,
            boolean activity) {}

    /** The {@code response} of a route that answers a {@code text/event-stream} (see {@link #events}). */
    public static final class EventStream {
        private EventStream() {}
    }

    private final List<Route> routes = new ArrayList<>();
    private String tag = "general";

    /** Groups the routes registered next under an OpenAPI tag (the feature name). */
    public Api tag(String name) {
        this.tag = name;
        return this;
    }

    public Api get(String path, Access access, String summary, Type response, Handler handler) {
        return add(HandlerType.GET, path, access, summary, null, response, 200, handler);
    }

    public Api post(String path, Access access, String summary, Class<?> request, Type response, Handler handler) {
        return add(HandlerType.POST, path, access, summary, request, response, response == null ? 204 : 200, handler);
    }

    public Api put(String path, Access access, String summary, Class<?> request, Type response, Handler handler) {
        return add(HandlerType.PUT, path, access, summary, request, response, response == null ? 204 : 200, handler);
    }

    public Api patch(String path, Access access, String summary, Class<?> request, Type response, Handler handler) {
        return add(HandlerType.PATCH, path, access, summary, request, response, 200, handler);
    }

    public Api delete(String path, Access access, String summary, Handler handler) {
        return add(HandlerType.DELETE, path, access, summary, null, null, 204, handler);
    }

    /** A GET route whose handler answers a stream of server-sent events ({@code text/event-stream}). */
    public Api events(String path, Access access, String summary, Handler handler) {
        return add(HandlerType.GET, path, access, summary, null, EventStream.class, 200, handler);
    }

    /**
     * Marks the route registered last as passive: calling it does not count as activity of the caller's
     * session, so a client that calls it on a timer (a poll, a heartbeat) cannot keep an unattended session
     * from timing out.
     */
    public Api passive() {
        Route last = routes.removeLast();
        routes.add(new Route(
                last.method(),
                last.path(),
                last.access(),
                last.tag(),
                last.summary(),
                last.request(),
                last.response(),
                last.status(),
                last.handler(),
                false));
        return this;
    }

    private Api add(
            HandlerType method,
            String path,
            Access access,
            String summary,
            Class<?> request,
            Type response,
            int status,
            Handler handler) {
        if (!path.startsWith("/api/") && !path.startsWith("/health/") && !path.equals("/metrics")) {
            throw new IllegalArgumentException("routes live under /api/ (or are /health/*, /metrics): " + path);
        }
        routes.add(new Route(method, path, access, tag, summary, request, response, status, handler, true));
        return this;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    // Helpers for handlers: decoding and the request's context, set by the web layer.

    /** The request body decoded strictly into {@code type}; failures are {@code INVALID_INPUT}. */
    public static <T> T body(Context ctx, Class<T> type) {
        return Json.decode(ctx.body(), type);
    }

    /** The signed-in principal; the access check guarantees one on non-public routes. */
    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw new AppException(ErrorCode.UNAUTHENTICATED, "sign in first");
        }
        return p;
    }

    public static RequestInfo requestInfo(Context ctx) {
        return ctx.attribute(REQUEST_INFO);
    }

    /** Writes {@code value} as JSON, or 204 when it is null. */
    public static void json(Context ctx, Object value) {
        if (value == null) {
            ctx.status(204);
        } else {
            ctx.contentType("application/json").result(Json.encode(value));
        }
    }
}
