using System.Globalization;
using System.Net;

namespace Ftp.Embedded.Load;

/// <summary>The command line of a measuring run.</summary>
internal sealed class LoadOptions
{
    public static readonly string[] AllTests =
    [
        "retr_mbps", "stor_mbps", "login_rate", "list_10k_ms", "mlsd_10k_ms", "small_files_ops", "parallel_retr_mbps", "idle_sessions",
        "tls_retr_mbps", "tls_stor_mbps", "tls_login_rate", "tls_small_files_ops",
    ];

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 21;

    public string? User { get; set; }

    public string? Password { get; set; }

    public string? WorkDir { get; set; }

    public string PubDir { get; set; } = "/pub";

    public int? ServerPid { get; set; }

    public string? JsonPath { get; set; }

    public string? Label { get; set; }

    public List<string> Tests { get; } = [.. AllTests];

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan TransferLimit { get; set; } = TimeSpan.FromSeconds(300);

    public int TransferRuns { get; set; } = 3;

    public long BigBytes { get; set; } = 1024L * 1024 * 1024;

    public long MidBytes { get; set; } = 128L * 1024 * 1024;

    public int ListFiles { get; set; } = 10_000;

    public int ListRuns { get; set; } = 5;

    public int SmallCount { get; set; } = 500;

    public int SmallBytes { get; set; } = 4 * 1024;

    public int Parallel { get; set; } = 8;

    public string LoginUser { get; set; } = "anonymous";

    public string LoginPassword { get; set; } = "ftpload@example.com";

    public int LoginCount { get; set; } = 10_000;

    public int LoginConcurrency { get; set; } = 16;

    public TimeSpan LoginLimit { get; set; } = TimeSpan.FromSeconds(60);

    public int IdleSessions { get; set; } = 20_000;

    public int IdlePerAddress { get; set; } = 10_000;

    public IPAddress? IdleFirstAddress { get; set; }

    public int IdleConcurrency { get; set; } = 32;

    public TimeSpan IdleOpenLimit { get; set; } = TimeSpan.FromSeconds(300);

    public long MinAvailableBytes { get; set; } = 2048L * 1024 * 1024;

    public TimeSpan Pause { get; set; } = TimeSpan.FromSeconds(2);

    public bool Help { get; set; }

    public static readonly string Usage = """
        Ftp.Embedded.Load: measures any FTP server from outside over plain FTP (passive mode, TYPE I).

        Usage: Ftp.Embedded.Load [options]
               Ftp.Embedded.Load compare --out FILE.md [--chart-data FILE.dat] NAME=RESULT.json [NAME=RESULT.json ...]

        Server and account:
          --host HOST               server address (default 127.0.0.1)
          --port N                  control port (default 21)
          --user NAME --password PW account for the read and write tests (required)
          --workdir DIR             writable remote directory (default: the login directory); a run directory
                                    ftpload-<pid>-<time> is made below it and removed at the end
          --pubdir DIR              remote directory of the prepared files (default /pub): big1g.bin, f128m.bin, dir10k/;
                                    a missing one (or one of the wrong size) is uploaded into the run directory first, untimed
          --server-pid PID          the server's process (root of its tree) for CPU seconds and memory (/proc)
          --label TEXT              stored in the JSON
          --json FILE               write every result, with details, to FILE

        Tests (in this order): retr_mbps stor_mbps login_rate list_10k_ms mlsd_10k_ms small_files_ops parallel_retr_mbps idle_sessions
                                    tls_retr_mbps tls_stor_mbps tls_login_rate tls_small_files_ops (explicit FTPS: AUTH TLS,
                                    PBSZ 0, PROT P, TLS 1.2/1.3 data connections, certificate not checked)
          --only NAME[,NAME]        run these only
          --xfer-runs N             transfers per throughput test, median reported (default 3)
          --big-mib N               size of big1g.bin (default 1024; smaller for smoke runs only)
          --mid-mib N               size of f128m.bin (default 128)
          --list-files N            files in dir10k (default 10000)
          --list-runs N             LIST / MLSD runs after one warm-up, median reported (default 5)
          --small-count N           small files stored then retrieved (default 500)
          --small-kib N             their size (default 4)
          --parallel N              parallel RETR streams of f128m.bin (default 8)
          --login-user NAME         login_rate and idle_sessions account (default anonymous)
          --login-password PW       its password (default ftpload@example.com)
          --login-count N           login cycles of login_rate (default 10000)
          --login-concurrency N     connections in parallel (default 16)
          --login-seconds N         time bound of login_rate (default 60)
          --idle-sessions N         logged-in idle sessions to hold (default 20000)
          --idle-per-address N      sessions per source address (default 10000)
          --idle-first-address IP   first source address (default 127.0.0.2 when the server is on loopback, else none)
          --idle-concurrency N      sessions being opened at once (default 32)
          --idle-open-seconds N     time bound for opening them (default 300)
          --min-available-mib N     stop opening idle sessions when the machine's MemAvailable falls below (default 2048);
                                    they also stop when the machine's process table is 85% full (forking servers)
          --timeout SECONDS         per socket operation (default 60)
          --xfer-limit SECONDS      per large transfer (default 300)
          --pause SECONDS           between tests (default 2)

        Units: MB = 10^6 bytes, MiB/GiB = 2^20/2^30 bytes. Exit code 0 when every test gave a figure or was skipped.
        """;

    public static LoadOptions? Parse(IReadOnlyList<string> args, TextWriter error)
    {
        var o = new LoadOptions();
        try
        {
            for (var i = 0; i < args.Count; i++)
            {
                var arg = args[i];
                string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{arg} needs a value.");
                switch (arg)
                {
                    case "--help" or "-h":
                        o.Help = true;
                        break;
                    case "--host":
                        o.Host = Value();
                        break;
                    case "--port":
                        o.Port = Int(arg, Value(), 1, 65535);
                        break;
                    case "--user":
                        o.User = Value();
                        break;
                    case "--password":
                        o.Password = Value();
                        break;
                    case "--workdir":
                        o.WorkDir = Value();
                        break;
                    case "--pubdir":
                        o.PubDir = Value();
                        break;
                    case "--server-pid":
                        o.ServerPid = Int(arg, Value(), 1, int.MaxValue);
                        break;
                    case "--label":
                        o.Label = Value();
                        break;
                    case "--json":
                        o.JsonPath = Value();
                        break;
                    case "--only":
                        var names = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                        var unknown = names.Where(n => !AllTests.Contains(n)).ToList();
                        if (unknown.Count > 0)
                        {
                            throw new FormatException($"--only: unknown test(s) {string.Join(", ", unknown)} (known: {string.Join(", ", AllTests)}).");
                        }

                        o.Tests.Clear();
                        o.Tests.AddRange(AllTests.Where(names.Contains));
                        break;
                    case "--xfer-runs":
                        o.TransferRuns = Int(arg, Value(), 1, 20);
                        break;
                    case "--big-mib":
                        o.BigBytes = Int(arg, Value(), 1, 64 * 1024) * 1024L * 1024;
                        break;
                    case "--mid-mib":
                        o.MidBytes = Int(arg, Value(), 1, 16 * 1024) * 1024L * 1024;
                        break;
                    case "--list-files":
                        o.ListFiles = Int(arg, Value(), 1, 1_000_000);
                        break;
                    case "--list-runs":
                        o.ListRuns = Int(arg, Value(), 1, 100);
                        break;
                    case "--small-count":
                        o.SmallCount = Int(arg, Value(), 1, 100_000);
                        break;
                    case "--small-kib":
                        o.SmallBytes = Int(arg, Value(), 1, 1024) * 1024;
                        break;
                    case "--parallel":
                        o.Parallel = Int(arg, Value(), 1, 256);
                        break;
                    case "--login-user":
                        o.LoginUser = Value();
                        break;
                    case "--login-password":
                        o.LoginPassword = Value();
                        break;
                    case "--login-count":
                        o.LoginCount = Int(arg, Value(), 1, 10_000_000);
                        break;
                    case "--login-concurrency":
                        o.LoginConcurrency = Int(arg, Value(), 1, 1024);
                        break;
                    case "--login-seconds":
                        o.LoginLimit = TimeSpan.FromSeconds(Int(arg, Value(), 1, 3600));
                        break;
                    case "--idle-sessions":
                        o.IdleSessions = Int(arg, Value(), 1, 1_000_000);
                        break;
                    case "--idle-per-address":
                        o.IdlePerAddress = Int(arg, Value(), 1, 28_000);
                        break;
                    case "--idle-first-address":
                        var text = Value();
                        o.IdleFirstAddress = IPAddress.TryParse(text, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
                            ? address
                            : throw new FormatException($"--idle-first-address: '{text}' is not an IPv4 address.");
                        break;
                    case "--idle-concurrency":
                        o.IdleConcurrency = Int(arg, Value(), 1, 4096);
                        break;
                    case "--idle-open-seconds":
                        o.IdleOpenLimit = TimeSpan.FromSeconds(Int(arg, Value(), 1, 7200));
                        break;
                    case "--min-available-mib":
                        o.MinAvailableBytes = Int(arg, Value(), 0, 1 << 30) * 1024L * 1024;
                        break;
                    case "--timeout":
                        o.Timeout = TimeSpan.FromSeconds(Int(arg, Value(), 1, 3600));
                        break;
                    case "--xfer-limit":
                        o.TransferLimit = TimeSpan.FromSeconds(Int(arg, Value(), 1, 36_000));
                        break;
                    case "--pause":
                        o.Pause = TimeSpan.FromSeconds(Int(arg, Value(), 0, 600));
                        break;
                    default:
                        throw new FormatException($"Unknown option '{arg}'. Run with --help to see the options.");
                }
            }

            if (!o.Help && (o.User is null || o.Password is null))
            {
                throw new FormatException("Give --user and --password (the write tests need an account that may write in --workdir).");
            }

            if (o.ServerPid is { } pid && !Directory.Exists($"/proc/{pid}"))
            {
                throw new FormatException($"--server-pid {pid}: no such process.");
            }
        }
        catch (FormatException ex)
        {
            error.WriteLine(ex.Message);
            return null;
        }

        return o;
    }

    private static int Int(string option, string text, int min, int max)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"{option}: '{text}' is not a whole number from {min} to {max}.");
}
