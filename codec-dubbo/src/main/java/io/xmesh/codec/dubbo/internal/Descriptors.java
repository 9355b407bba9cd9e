package io.xmesh.codec.dubbo.internal;

/** JVM parameter-type descriptors as Dubbo writes them ({@code Ljava/lang/String;[BI}). */
public final class Descriptors {
    private Descriptors() {
    }

    /**
     * Counts the parameters of a descriptor without resolving any type.
     *
     * @param desc the descriptor; null or empty means no parameter
     * @throws BodyFormatException if it is not a valid descriptor
     */
    public static int countParameters(String desc) {
        if (desc == null) {
            return 0;
        }
        int n = 0;
        int i = 0;
        int len = desc.length();
        while (i < len) {
            char c = desc.charAt(i);
            while (c == '[') {
                if (++i >= len) {
                    throw new BodyFormatException("bad parameter descriptor: " + abbreviate(desc));
                }
                c = desc.charAt(i);
            }
            switch (c) {
                case 'Z', 'B', 'C', 'S', 'I', 'J', 'F', 'D' -> i++;
                case 'L' -> {
                    int semi = desc.indexOf(';', i);
                    if (semi < 0 || semi == i + 1) {
                        throw new BodyFormatException("bad parameter descriptor: " + abbreviate(desc));
                    }
                    i = semi + 1;
                }
                default -> throw new BodyFormatException("bad parameter descriptor: " + abbreviate(desc));
            }
            n++;
        }
        return n;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
