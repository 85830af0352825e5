package dev.switchboard.testkit;

/** The one unchecked exception of the test kit; {@link #code()} says what kind of failure it is. */
public final class TestkitException extends RuntimeException {

    /** What went wrong. */
    public enum Code {
        /** Docker mode selected but no Docker engine answers. */
        NO_DOCKER,
        /** A needed image is not present and cannot be built by the kit. */
        IMAGE_MISSING,
        /** Local mode selected but a needed binary (etcd, java) is missing. */
        NO_BINARY,
        /** A server did not become ready in time, or died while starting. */
        START_FAILED,
        /** An operation is not valid in the server's current state. */
        ILLEGAL_STATE,
        /** An operation the selected mode cannot do honestly. */
        UNSUPPORTED,
        /** Sending a signal / docker command to a server failed. */
        CONTROL_FAILED,
        /** A setting (system property / environment variable) has an invalid value. */
        BAD_SETTING,
        /** A file of the built distribution ({@code dist/}) is missing or cannot be copied. */
        DIST_MISSING
    }

    private final Code code;

    public TestkitException(Code code, String message) {
        super("[" + code + "] " + message);
        this.code = code;
    }

    public TestkitException(Code code, String message, Throwable cause) {
        super("[" + code + "] " + message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
