package io.romotica.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.romotica.server.config.ConfigLoader;
import io.romotica.server.storage.Database;
import io.romotica.server.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The hash chain on the embedded database, without a server. */
class AuditLogTest {
    private Database db;
    private AuditLog audit;

    @BeforeEach
    void open() throws Exception {
        Path dir = Files.createTempDirectory("audit-test");
        db = Database.open(ConfigLoader.load(Map.of(), Map.of()).db(), dir, new SimpleMeterRegistry());
        audit = new AuditLog(db.jdbi(), new MutableClock());
        for (int i = 0; i < 5; i++) {
            audit.append(new AuditEvent(AuditType.LOGIN_OK, "u" + i, "User " + i, "192.0.2." + i, "t", "d" + i));
        }
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void eachRowLinksToThePreviousOne() {
        var rows = audit.find(new AuditQuery(null, null, null, null, null, 10));
        assertThat(rows).hasSize(5);
        for (int i = 0; i < rows.size() - 1; i++) {
            assertThat(rows.get(i).prevHash()).isEqualTo(rows.get(i + 1).hash());
        }
        assertThat(rows.getLast().prevHash()).isEqualTo("0".repeat(64));
        assertThat(audit.verify()).isEqualTo(new AuditLog.Verification(true, 5, null));
    }

    @Test
    void changingAnyFieldIsDetectedAtThatRow() {
        db.jdbi()
                .useHandle(h -> h.createUpdate("update audit_log set ip = '203.0.113.9' where id = 3")
                        .execute());
        assertThat(audit.verify()).isEqualTo(new AuditLog.Verification(false, 3, 3L));
    }

    /** Renames the actor of row {@code id} and stores a correctly recomputed hash for the forged row. */
    private void forgeActorWithRecomputedHash(long id) {
        AuditEntry row =
                audit.find(new AuditQuery(null, null, null, null, id + 1, 1)).getFirst();
        AuditEntry forged = new AuditEntry(
                row.id(),
                row.at(),
                row.type(),
                row.actorId(),
                "Mallory",
                row.ip(),
                row.target(),
                row.details(),
                row.prevHash(),
                null);
        db.jdbi()
                .useHandle(h -> h.createUpdate("update audit_log set actor_name = 'Mallory', hash = :h where id = :id")
                        .bind("h", AuditLog.hashOf(forged))
                        .bind("id", id)
                        .execute());
    }

    @Test
    void rewritingARowWithARecomputedHashStillBreaksTheNextLink() {
        forgeActorWithRecomputedHash(3);
        assertThat(audit.verify().firstBrokenId()).isEqualTo(4L);
    }

    @Test
    void rewritingTheNewestRowWithARecomputedHashIsDetectedByTheHead() {
        forgeActorWithRecomputedHash(5);
        assertThat(audit.verify()).isEqualTo(new AuditLog.Verification(false, 5, 5L));
    }

    @Test
    void removingTheNewestRowIsDetected() {
        db.jdbi()
                .useHandle(h ->
                        h.createUpdate("delete from audit_log where id = 5").execute());
        assertThat(audit.verify()).isEqualTo(new AuditLog.Verification(false, 4, 5L));
    }
}
