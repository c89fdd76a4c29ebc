namespace Ftp.Embedded.Load;

/// <summary>Which way a figure is better.</summary>
internal enum Better
{
    Higher,
    Lower,
}

/// <summary>The outcome of one test or one figure derived from it.</summary>
internal sealed record TestResult(string Name, string Status, double? Value, string Unit, string? Message, Dictionary<string, object?>? Detail)
{
    public static TestResult Ok(string name, double value, string unit, Dictionary<string, object?>? detail = null)
        => new(name, "ok", value, unit, null, detail);

    public static TestResult Error(string name, string message, Dictionary<string, object?>? detail = null)
        => new(name, "error", null, "", message, detail);

    public static TestResult Skip(string name, string message) => new(name, "skip", null, "", message, null);
}

/// <summary>The figures a run reports, in order, with their unit and direction.</summary>
internal static class Figures
{
    public static readonly (string Name, string Unit, Better Better, string Meaning)[] All =
    [
        ("retr_mbps", "MB/s", Better.Higher, "RETR of a 1 GiB file, one stream, median of 3"),
        ("retr_cpu_s_per_gib", "CPU s/GiB", Better.Lower, "server CPU seconds (process tree) per GiB sent by RETR"),
        ("stor_mbps", "MB/s", Better.Higher, "STOR of 1 GiB, one stream, median of 3"),
        ("stor_cpu_s_per_gib", "CPU s/GiB", Better.Lower, "server CPU seconds per GiB received by STOR"),
        ("login_rate", "logins/s", Better.Higher, "anonymous connect+USER+PASS+QUIT cycles per second, 16 connections at once"),
        ("list_10k_ms", "ms", Better.Lower, "LIST of a 10,000-file directory, median of 5 after a warm-up"),
        ("mlsd_10k_ms", "ms", Better.Lower, "MLSD of the same directory"),
        ("small_files_ops", "ops/s", Better.Higher, "500 x 4 KiB STOR, then RETR of each, one session"),
        ("parallel_retr_mbps", "MB/s", Better.Higher, "8 sessions each RETR 128 MiB at once, aggregate, median of 3"),
        ("idle_sessions", "sessions", Better.Higher, "logged-in idle sessions the server held (of the number asked)"),
        ("idle_pss_bytes_per_session", "bytes", Better.Lower, "server PSS growth per held session (sum over the process tree)"),
        ("idle_rss_bytes_per_session", "bytes", Better.Lower, "server RSS growth per held session"),
        ("tls_retr_mbps", "MB/s", Better.Higher, "RETR of 1 GiB over explicit FTPS (AUTH TLS, PROT P), one stream, median of 3"),
        ("tls_retr_cpu_s_per_gib", "CPU s/GiB", Better.Lower, "server CPU seconds per GiB sent by FTPS RETR"),
        ("tls_stor_mbps", "MB/s", Better.Higher, "STOR of 1 GiB over explicit FTPS, one stream, median of 3"),
        ("tls_stor_cpu_s_per_gib", "CPU s/GiB", Better.Lower, "server CPU seconds per GiB received by FTPS STOR"),
        ("tls_login_rate", "logins/s", Better.Higher, "anonymous connect+AUTH TLS+USER+PASS+QUIT cycles per second, 16 at once"),
        ("tls_login_cpu_ms", "CPU ms", Better.Lower, "server CPU ms per TLS login cycle (handshake cost included)"),
        ("tls_small_files_ops", "ops/s", Better.Higher, "500 x 4 KiB STOR then RETR over FTPS (PROT P: one data handshake each), one session"),
        ("idle_fresh_session_ms", "ms", Better.Lower, "connect+login+NOOP of a new session while the idle ones are held (median of 5)"),
    ];
}
