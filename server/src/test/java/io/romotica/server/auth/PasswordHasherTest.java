package io.romotica.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher(new SecureRandom());

    @Test
    void storesArgon2idInPhcFormatWithAFreshSalt() {
        String a = hasher.hash("correct horse battery staple");
        String b = hasher.hash("correct horse battery staple");
        assertThat(a).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").isNotEqualTo(b);
    }

    @Test
    void verifiesOnlyTheRightPassword() {
        String h = hasher.hash("correct horse battery staple");
        assertThat(hasher.verify(h, "correct horse battery staple")).isTrue();
        assertThat(hasher.verify(h, "correct horse battery stapl")).isFalse();
        assertThat(hasher.verify(h, "")).isFalse();
    }

    @Test
    void aMissingHashNeverVerifies() {
        assertThat(hasher.verify(null, "anything")).isFalse();
        assertThat(hasher.verify("$2a$10$bcrypt-is-not-accepted", "anything")).isFalse();
    }

    @Test
    void keepsWorkingWithHashesOfOtherCosts() {
        PasswordHasher cheaper = new PasswordHasher(new SecureRandom(), 8 * 1024, 1);
        assertThat(hasher.verify(cheaper.hash("old password here"), "old password here"))
                .isTrue();
    }
}
