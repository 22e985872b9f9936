package io.romotica.server.config;

/** A configured secret. Its {@link #toString()} never shows the value, so configs can be logged. */
public record Secret(String value) {
    public boolean isEmpty() {
        return value == null || value.isEmpty();
    }

    @Override
    public String toString() {
        return isEmpty() ? "<empty>" : "<secret>";
    }
}
