package org.distributedtesting.recovery.core.config;

import java.util.Optional;

/**
 * What a node's {@code host} and an alternative {@code host:port} may be, so that a host the node protocol's
 * client cannot use is refused when the file is read, not reported as a partition at every probe:
 * <ul>
 *   <li>a host name: dot-separated labels of letters, digits and {@code -} (RFC 1123), each 1..63 characters and
 *       not starting or ending with {@code -}, at most {@value #MAX_HOST_LENGTH} characters in all (RFC 1035), a
 *       trailing dot allowed; in a name with dots the last label starts with a letter, as URIs require (RFC 2396's
 *       {@code toplabel}), and a name of digits and dots only is read as an IPv4 address;</li>
 *   <li>an IPv4 address: four numbers 0..255 without leading zeros;</li>
 *   <li>an IPv6 address, without brackets in {@code host} and in brackets in {@code host:port}
 *       ({@code [::1]:8080}), optionally with a zone ({@code fe80::1%eth0});</li>
 * </ul>
 * never a scheme, a port (in {@code host}), a path, whitespace or a control character. International names are
 * written in their {@code xn--} form.
 *
 * <p>Stateless and thread-safe.
 */
final class HostSyntax {

    /** The longest DNS name (RFC 1035: 255 octets on the wire, 253 characters written out). */
    static final int MAX_HOST_LENGTH = 253;

    private static final int MAX_LABEL_LENGTH = 63;
    private static final int MAX_ZONE_LENGTH = 15;
    private static final int MIN_PORT = 1;
    private static final int MAX_PORT = 65_535;

    private HostSyntax() {
    }

    /**
     * Why {@code host} cannot be a node's {@code host}, as a message's problem ("must not include a port"), or empty
     * when it can.
     *
     * @param portKey the key path of the node's port, which a message points to when the host includes one
     */
    static Optional<String> hostProblem(String host, String portKey) {
        Optional<String> common = commonProblem(host);
        if (common.isPresent()) {
            return common;
        }
        if (host.startsWith("[") || host.endsWith("]")) {
            return Optional.of(isIpv6(host.replaceAll("^\\[|]$", ""))
                    ? "must be an IPv6 address without brackets here (brackets are for host:port)"
                    : "must be a host name or an IP address; brackets belong around an IPv6 address in host:port"
                    + " only");
        }
        int colon = host.indexOf(':');
        if (colon >= 0 && colon == host.lastIndexOf(':') && isDigits(host.substring(colon + 1))) {
            return Optional.of("must not include a port (the port is " + portKey + ")");
        }
        return nameOrAddressProblem(host);
    }

    /**
     * Why {@code address} cannot be an alternative address, as a message's problem, or empty when it can: a host
     * as for {@link #hostProblem}, then {@code :} and a port in 1..65535; an IPv6 address in brackets.
     */
    static Optional<String> addressProblem(String address) {
        Optional<String> common = commonProblem(address);
        if (common.isPresent()) {
            return common;
        }
        String host;
        String port;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                return Optional.of("must be [IPv6 address]:port, but the '[' is not closed");
            }
            host = address.substring(1, close);
            if (!isIpv6(host)) {
                return Optional.of("must be host:port, and only an IPv6 address goes in brackets");
            }
            if (!address.startsWith(":", close + 1)) {
                return Optional.of("must be [IPv6 address]:port, with a ':' and the port after the ']'");
            }
            port = address.substring(close + 2);
        } else {
            int colon = address.lastIndexOf(':');
            if (colon < 0) {
                return Optional.of("must be host:port, with a port in 1..65535");
            }
            host = address.substring(0, colon);
            port = address.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                return Optional.of(isIpv6(host) ? "must write an IPv6 address in brackets, as in [::1]:8080"
                        : "must be host:port, with one ':' (an IPv6 address goes in brackets, as in [::1]:8080)");
            }
            if (host.isEmpty()) {
                return Optional.of("must be host:port, but has no host before the ':'");
            }
            Optional<String> hostProblem = nameOrAddressProblem(host);
            if (hostProblem.isPresent()) {
                return Optional.of("has a host that " + hostProblem.get());
            }
        }
        if (!isPort(port)) {
            return Optional.of("must end in a port in 1..65535 after the ':'");
        }
        return Optional.empty();
    }

    /** What no host and no address may be or hold. */
    private static Optional<String> commonProblem(String text) {
        if (text.isEmpty()) {
            return Optional.of("must not be empty");
        }
        if (text.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)
                || Character.isSpaceChar(c))) {
            return Optional.of("must not contain whitespace or control characters");
        }
        if (text.contains("://")) {
            return Optional.of("must be a host name or an IP address without a scheme such as http://");
        }
        if (text.indexOf('/') >= 0 || text.indexOf('?') >= 0 || text.indexOf('#') >= 0 || text.indexOf('@') >= 0) {
            return Optional.of("must be a host name or an IP address, not a URL (no '/', '?', '#' or '@')");
        }
        return Optional.empty();
    }

    /** A host name, an IPv4 address or a bracket-free IPv6 address; no port. */
    private static Optional<String> nameOrAddressProblem(String host) {
        if (host.length() > MAX_HOST_LENGTH) {
            return Optional.of("must be at most " + MAX_HOST_LENGTH + " characters, but has " + host.length());
        }
        if (host.indexOf(':') >= 0) {
            return isIpv6(host) ? Optional.empty() : Optional.of("is not a valid IPv6 address");
        }
        if (host.chars().allMatch(c -> c == '.' || isDigit(c))) {
            return isIpv4(host) ? Optional.empty()
                    : Optional.of("is not a valid IPv4 address (four numbers 0..255 without leading zeros)");
        }
        if (!host.chars().allMatch(c -> c < 0x80)) {
            return Optional.of("must be ASCII; write an international name in its xn-- form");
        }
        return hostNameProblem(host);
    }

    private static Optional<String> hostNameProblem(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (label.isEmpty()) {
                return Optional.of("must not have an empty label (two dots in a row, or a dot at the start)");
            }
            if (label.length() > MAX_LABEL_LENGTH) {
                return Optional.of("must have labels of at most " + MAX_LABEL_LENGTH + " characters, but one has "
                        + label.length());
            }
            if (!label.chars().allMatch(c -> isLetter(c) || isDigit(c) || c == '-')) {
                return Optional.of("must be a host name of letters, digits, '-' and '.' (RFC 1123), an IPv4 address"
                        + " or an IPv6 address");
            }
            if (label.startsWith("-") || label.endsWith("-")) {
                return Optional.of("must not have a label that starts or ends with '-'");
            }
        }
        if (labels.length > 1 && !isLetter(labels[labels.length - 1].charAt(0))) {
            return Optional.of("must have a last label that starts with a letter (or be an IPv4 address)");
        }
        return Optional.empty();
    }

    static boolean isIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !isDigits(part) || (part.length() > 1 && part.charAt(0) == '0')
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** An IPv6 address as RFC 4291 writes it, with an optional trailing IPv4 part and an optional zone. */
    static boolean isIpv6(String text) {
        String address = text;
        int percent = address.indexOf('%');
        if (percent >= 0) {
            String zone = address.substring(percent + 1);
            if (zone.isEmpty() || zone.length() > MAX_ZONE_LENGTH
                    || !zone.chars().allMatch(c -> isLetter(c) || isDigit(c) || c == '.' || c == '_' || c == '-')) {
                return false;
            }
            address = address.substring(0, percent);
        }
        int groups = 0;
        int lastColon = address.lastIndexOf(':');
        if (lastColon < 0) {
            return false;
        }
        if (address.indexOf('.', lastColon) >= 0) {
            if (!isIpv4(address.substring(lastColon + 1))) {
                return false;
            }
            groups = 2;
            // "::1.2.3.4" keeps its "::", "1:2:3:4:5:6:1.2.3.4" its last ':' as an empty end to drop below
            address = address.substring(0, lastColon + 1);
            if (!address.endsWith("::")) {
                address = address.substring(0, address.length() - 1);
                if (address.isEmpty()) {
                    return false;
                }
            }
        }
        int doubleColon = address.indexOf("::");
        if (doubleColon >= 0) {
            if (address.indexOf("::", doubleColon + 1) >= 0) {
                return false;
            }
            int left = countGroups(address.substring(0, doubleColon));
            int right = countGroups(address.substring(doubleColon + 2));
            return left >= 0 && right >= 0 && left + right + groups <= 7;
        }
        int all = countGroups(address);
        return all >= 1 && all + groups == 8;
    }

    /** The number of 1..4-digit hex groups in {@code text}, separated by single colons; -1 if it is not that. */
    private static int countGroups(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        String[] groups = text.split(":", -1);
        for (String group : groups) {
            if (group.isEmpty() || group.length() > 4 || !group.chars().allMatch(HostSyntax::isHexDigit)) {
                return -1;
            }
        }
        return groups.length;
    }

    private static boolean isPort(String text) {
        if (text.isEmpty() || text.length() > 5 || !isDigits(text)) {
            return false;
        }
        int port = Integer.parseInt(text);
        return port >= MIN_PORT && port <= MAX_PORT;
    }

    private static boolean isDigits(String text) {
        return !text.isEmpty() && text.chars().allMatch(HostSyntax::isDigit);
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLetter(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isHexDigit(int c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
