package org.jvirt.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JSON object with the path that reached it, so that every type error names the field and says
 * what it should be: "config.json: process.args must be an array of strings, not a string".
 */
record Obj(Map<String, Object> map, String path) {
    static Obj root(Object v, String what) {
        if (!(v instanceof Map<?, ?> m)) throw new OciError(what + " must hold a JSON object, not " + Json.typeName(v));
        @SuppressWarnings("unchecked") Map<String, Object> mm = (Map<String, Object>) m;
        return new Obj(mm, what + ": ");
    }

    private String where(String name) {
        return path.endsWith(": ") ? path + name : path + "." + name;
    }

    private OciError wrong(String name, String expected, Object v) {
        return new OciError(where(name) + " must be " + expected + ", not " + Json.typeName(v));
    }

    boolean has(String name) {
        return map.get(name) != null;
    }

    Obj obj(String name) {
        Object v = map.get(name);
        if (v == null) return null;
        if (!(v instanceof Map<?, ?> m)) throw wrong(name, "an object", v);
        @SuppressWarnings("unchecked") Map<String, Object> mm = (Map<String, Object>) m;
        return new Obj(mm, where(name));
    }

    String str(String name, String dflt) {
        Object v = map.get(name);
        if (v == null) return dflt;
        if (!(v instanceof String s)) throw wrong(name, "a string", v);
        return s;
    }

    String required(String name) {
        String s = str(name, null);
        if (s == null) throw new OciError(where(name) + " is missing; it is required");
        return s;
    }

    boolean bool(String name) {
        Object v = map.get(name);
        if (v == null) return false;
        if (!(v instanceof Boolean b)) throw wrong(name, "true or false", v);
        return b;
    }

    Long num(String name) {
        Object v = map.get(name);
        if (v == null) return null;
        if (!(v instanceof Long l)) throw wrong(name, "an integer", v);
        return l;
    }

    long num(String name, long dflt) {
        Long l = num(name);
        return l == null ? dflt : l;
    }

    List<String> strings(String name) {
        Object v = map.get(name);
        if (v == null) return List.of();
        if (!(v instanceof List<?> l) || !l.stream().allMatch(String.class::isInstance)) throw wrong(name, "an array of strings", v);
        return l.stream().map(String.class::cast).toList();
    }

    List<Obj> objs(String name) {
        Object v = map.get(name);
        if (v == null) return List.of();
        if (!(v instanceof List<?> l)) throw wrong(name, "an array of objects", v);
        List<Obj> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof Map<?, ?> m)) throw wrong(name + "[" + i + "]", "an object", l.get(i));
            @SuppressWarnings("unchecked") Map<String, Object> mm = (Map<String, Object>) m;
            out.add(new Obj(mm, where(name) + "[" + i + "]"));
        }
        return out;
    }

    List<Long> nums(String name) {
        Object v = map.get(name);
        if (v == null) return List.of();
        if (!(v instanceof List<?> l) || !l.stream().allMatch(Long.class::isInstance)) throw wrong(name, "an array of integers", v);
        return l.stream().map(Long.class::cast).toList();
    }

    OciError error(String name, String problem) {
        return new OciError(where(name) + " " + problem);
    }
}
