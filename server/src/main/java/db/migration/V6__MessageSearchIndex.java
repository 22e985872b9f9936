package db.migration;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Full-text index over message bodies on PostgreSQL (GIN over the 'simple' configuration, which keeps
 * Turkish and English words as written; search adds prefix matching). H2 has no such index: search there
 * falls back to a scan with LIKE, which is fine for the embedded single-node sizes.
 */
public class V6__MessageSearchIndex extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        String product = context.getConnection().getMetaData().getDatabaseProductName();
        if (!product.toLowerCase(java.util.Locale.ROOT).contains("postgres")) {
            return;
        }
        try (Statement s = context.getConnection().createStatement()) {
            s.execute("create index messages_search on messages using gin (to_tsvector('simple', body))");
        }
    }
}
