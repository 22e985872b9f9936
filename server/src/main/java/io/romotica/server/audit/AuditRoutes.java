package io.romotica.server.audit;

import io.javalin.http.Context;
import io.romotica.server.common.Access;
import io.romotica.server.common.Api;
import io.romotica.server.common.Csv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Admin endpoints of the audit log: browse, filter, export CSV, verify the chain. */
public final class AuditRoutes {
    private static final int EXPORT_PAGE = 500;
    private static final int EXPORT_MAX_ROWS = 1_000_000;

    private final AuditLog audit;

    public AuditRoutes(AuditLog audit) {
        this.audit = audit;
    }

    /** A page of rows and the {@code before} value for the next page (null at the end). */
    public record AuditPage(List<AuditEntry> items, Long nextBefore) {}

    public void register(Api api) {
        api.tag("audit")
                .get(
                        "/api/admin/audit",
                        Access.ADMIN,
                        "Browse the audit log, newest first",
                        AuditPage.class,
                        this::page)
                .get(
                        "/api/admin/audit/types",
                        Access.ADMIN,
                        "Audit event types",
                        String[].class,
                        ctx -> Api.json(ctx, AuditRepository.types()))
                .get(
                        "/api/admin/audit/export.csv",
                        Access.ADMIN,
                        "Export the filtered audit log as CSV",
                        String.class,
                        this::export)
                .post(
                        "/api/admin/audit/verify",
                        Access.ADMIN,
                        "Verify the hash chain",
                        null,
                        AuditLog.Verification.class,
                        this::verify);
    }

    private void page(Context ctx) {
        AuditQuery q = AuditQuery.parse(ctx::queryParam, AuditQuery.MAX_LIMIT);
        List<AuditEntry> items = audit.find(q);
        Long next = items.size() == q.limit() ? items.getLast().id() : null;
        Api.json(ctx, new AuditPage(items, next));
    }

    private void export(Context ctx) {
        AuditQuery first = AuditQuery.parse(ctx::queryParam, AuditQuery.MAX_LIMIT);
        audit.append(AuditEvent.of(AuditType.AUDIT_EXPORTED, Api.principal(ctx), Api.requestInfo(ctx), null, ""));
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"romotica-audit.csv\"");
        try (Writer out = new java.io.OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8)) {
            out.write("id,at,type,actor_id,actor_name,ip,target,details,prev_hash,hash\n");
            AuditQuery q =
                    new AuditQuery(first.type(), first.actor(), first.from(), first.to(), first.before(), EXPORT_PAGE);
            int written = 0;
            while (written < EXPORT_MAX_ROWS) {
                List<AuditEntry> rows = audit.find(q);
                for (AuditEntry r : rows) {
                    out.write(Csv.row(
                            Long.toString(r.id()),
                            r.at().toString(),
                            r.type(),
                            r.actorId(),
                            r.actorName(),
                            r.ip(),
                            r.target(),
                            r.details(),
                            r.prevHash(),
                            r.hash()));
                }
                written += rows.size();
                if (rows.size() < EXPORT_PAGE) {
                    break;
                }
                q = new AuditQuery(
                        q.type(), q.actor(), q.from(), q.to(), rows.getLast().id(), EXPORT_PAGE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void verify(Context ctx) {
        AuditLog.Verification result = audit.verify();
        audit.append(AuditEvent.of(
                AuditType.AUDIT_VERIFIED,
                Api.principal(ctx),
                Api.requestInfo(ctx),
                null,
                result.ok() ? "ok, " + result.checked() + " rows" : "broken at row " + result.firstBrokenId()));
        Api.json(ctx, result);
    }
}
