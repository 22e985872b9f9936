package io.romotica.server.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.romotica.server.common.Access;
import io.romotica.server.common.Api;
import io.romotica.server.common.Json;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.1 document, derived from the same route table the server runs, so it lists exactly the
 * routes that exist. Request and response schemas come from the records' components.
 */
final class OpenApiDocument {
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");

    private OpenApiDocument() {}

    static String build(List<Api.Route> routes, String version) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("openapi", "3.1.0");
        doc.putObject("info")
                .put("title", "Romotica API")
                .put("version", version)
                .put(
                        "description",
                        "Errors are {code, message} with a stable code. State-changing requests with a "
                                + "session cookie need the X-CSRF-Token header (from GET /api/auth/me).");
        ObjectNode schemas = Json.MAPPER.createObjectNode();
        ObjectNode paths = doc.putObject("paths");
        for (Api.Route r : routes) {
            // Javalin's <name> (a parameter that may hold slashes) is an ordinary {name} to OpenAPI.
            String p = r.path().replaceAll("<([^>]+)>", "{$1}");
            ObjectNode path = paths.has(p) ? (ObjectNode) paths.get(p) : paths.putObject(p);
            ObjectNode op = path.putObject(r.method().name().toLowerCase(Locale.ROOT));
            op.put("summary", r.summary());
            op.putArray("tags").add(r.tag());
            op.put("x-access", r.access().name());
            if (r.access() != Access.PUBLIC) {
                op.putArray("security").addObject().putArray("session");
            }
            Matcher m = PATH_PARAM.matcher(p);
            ArrayNode params = null;
            while (m.find()) {
                if (params == null) {
                    params = op.putArray("parameters");
                }
                params.addObject()
                        .put("name", m.group(1))
                        .put("in", "path")
                        .put("required", true)
                        .putObject("schema")
                        .put("type", "string");
            }
            if (r.request() != null) {
                op.putObject("requestBody")
                        .put("required", true)
                        .putObject("content")
                        .putObject("application/json")
                        .set("schema", schema(r.request(), schemas));
            }
            ObjectNode responses = op.putObject("responses");
            ObjectNode ok = responses.putObject(Integer.toString(r.status())).put("description", "success");
            if (r.response() == Api.EventStream.class) {
                ok.putObject("content")
                        .putObject("text/event-stream")
                        .putObject("schema")
                        .put("type", "string")
                        .put(
                                "description",
                                "Server-sent events: each server frame is one event whose data is the frame's "
                                        + "JSON; events named heartbeat carry only the server time");
            } else if (r.response() != null) {
                String mediaType = r.response() == String.class ? mediaTypeOf(r.path()) : "application/json";
                ok.putObject("content").putObject(mediaType).set("schema", schema(r.response(), schemas));
            }
            responses
                    .putObject("default")
                    .put("description", "error")
                    .putObject("content")
                    .putObject("application/json")
                    .putObject("schema")
                    .put("$ref", "#/components/schemas/Error");
        }
        ObjectNode error = schemas.putObject("Error").put("type", "object");
        error.putArray("required").add("code").add("message");
        ObjectNode props = error.putObject("properties");
        props.putObject("code").put("type", "string");
        props.putObject("message").put("type", "string");
        props.putObject("field").put("type", "string");
        props.putObject("retryAfterSeconds").put("type", "integer");
        ObjectNode components = doc.putObject("components");
        components.set("schemas", schemas);
        components
                .putObject("securitySchemes")
                .putObject("session")
                .put("type", "apiKey")
                .put("in", "cookie")
                .put("name", "__Host-romotica_session");
        return doc.toPrettyString();
    }

    private static String mediaTypeOf(String path) {
        if (path.endsWith(".csv")) {
            return "text/csv";
        }
        return "text/plain";
    }

    private static ObjectNode schema(Type type, ObjectNode schemas) {
        ObjectNode s = Json.MAPPER.createObjectNode();
        if (type instanceof ParameterizedType pt
                && pt.getRawType() instanceof Class<?> raw
                && Collection.class.isAssignableFrom(raw)) {
            s.put("type", "array").set("items", schema(pt.getActualTypeArguments()[0], schemas));
            return s;
        }
        if (!(type instanceof Class<?> c)) {
            return s.put("type", "object");
        }
        if (c == String.class) {
            return s.put("type", "string");
        }
        if (c == boolean.class || c == Boolean.class) {
            return s.put("type", "boolean");
        }
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class) {
            return s.put("type", "integer");
        }
        if (c == Instant.class) {
            return s.put("type", "string").put("format", "date-time");
        }
        if (c.isArray()) {
            s.put("type", "array").set("items", schema(c.getComponentType(), schemas));
            return s;
        }
        if (c.isEnum()) {
            s.put("type", "string");
            ArrayNode values = s.putArray("enum");
            for (Object v : c.getEnumConstants()) {
                values.add(v.toString());
            }
            return s;
        }
        if (c.isRecord()) {
            String name = c.getSimpleName();
            if (!schemas.has(name)) {
                ObjectNode def = schemas.putObject(name).put("type", "object").put("additionalProperties", false);
                ObjectNode props = def.putObject("properties");
                for (RecordComponent rc : c.getRecordComponents()) {
                    props.set(rc.getName(), schema(rc.getGenericType(), schemas));
                }
            }
            return s.put("$ref", "#/components/schemas/" + name);
        }
        return s.put("type", "object");
    }
}
