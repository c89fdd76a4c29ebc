using System.Globalization;
using System.Net;

namespace Ftp.Embedded.Samples.Server;

/// <summary>A user given on the command line; <see cref="PasswordGenerated"/> when the sample made the password up.</summary>
public sealed record SampleUser(string Name, string Password, bool PasswordGenerated);

/// <summary>The sample host's command line.</summary>
public sealed partial class SampleOptions
{
    public IPAddress Listen { get; set; } = IPAddress.Loopback;

    public bool ListenGiven { get; set; }

    public int Port { get; set; } = 2121;

    public bool PortGiven { get; set; }

    public string Root { get; set; } = "./ftp-root";

    public bool Anonymous { get; set; } = true;

    public List<SampleUser> Users { get; } = [];

    public (int From, int To)? PassivePorts { get; set; }

    public IPAddress? PublicAddress { get; set; }

    public int? MaxSessions { get; set; }

    public int? MaxSessionsPerIp { get; set; }

    public bool? AllowActive { get; set; }

    public Microsoft.Extensions.Logging.LogLevel? LogLevel { get; set; }

    public string? TlsCertificate { get; set; }

    public string? TlsKey { get; set; }

    public string? TlsCertificatePassword { get; set; }

    public bool TlsSelfSigned { get; set; }

    public int? ImplicitTlsPort { get; set; }

    public bool RequireTls { get; set; }

    public List<string> TrustedProxies { get; } = [];

    public bool Help { get; set; }

    // System users (--system-users).
    public bool SystemUsers { get; set; }

    public string? SystemUsersPamService { get; set; }

    /// <summary>With --system-users: the --root given on the command line, shared by every system user; null: each in its home.</summary>
    public string? SystemUsersSharedRoot { get; set; }

    /// <summary>The --s3-* options; completed from configuration when the host is built.</summary>
    public SampleS3Options S3 { get; } = new();

    /// <summary>The names anonymous login answers for by default; configuration may change them (the server then checks).</summary>
    private static readonly IList<string> AnonymousNames = new FtpAnonymousOptions().UserNames;

    public static readonly string Usage = """
        Ftp.Embedded sample server: serves a directory over FTP until Ctrl+C.

        Usage: dotnet run --project samples/Ftp.Embedded.Samples.Server -- [options]

        Options:
          --listen ADDR             address to listen on (default 127.0.0.1; 0.0.0.0 or :: for all)
          --port N                  control port (default 2121; 0 picks a free port)
          --root DIR                directory to serve (default ./ftp-root; created with pub/readme.txt if missing)
          --anonymous               let anonymous and ftp log in, read-only at DIR/pub (default)
          --no-anonymous            refuse anonymous logins
          --user NAME[:PASSWORD]    add a read-write user with home DIR/home/NAME (repeatable;
                                    without a password one is generated and printed)
          --passive-ports FROM-TO   passive data ports (default: any free port)
          --public-address ADDR     IPv4 address PASV advertises, behind NAT (default: the address the client reached)
          --max-sessions N          concurrent sessions (default 1000)
          --max-sessions-per-ip N   concurrent sessions from one address (default 50)
          --max-download-rate RATE  bytes per second all downloads together may use; K, M, G suffixes
                                    (powers of 1024): 512K, 5M (default: no limit)
          --max-upload-rate RATE    the same for uploads
          --allow-active            accept PORT/EPRT, to the client's own address only (default)
          --no-active               refuse PORT/EPRT: passive mode only
          --log-level LEVEL         Trace, Debug, Information, Warning, Error or None (default Information)
          --tls-cert FILE           certificate for FTPS (PFX, or PEM with --tls-key); enables AUTH TLS
          --tls-key FILE            PEM private key of --tls-cert
          --tls-cert-password PW    password of the PFX or of an encrypted PEM key
          --tls-self-signed         make a self-signed certificate in memory (local testing only)
          --implicit-tls-port N     also listen for implicit FTPS (TLS from the first byte) on this port
          --require-tls             users other than anonymous must use TLS for login and data
          --trusted-proxies CIDR[,CIDR...]
                                    accept the PROXY protocol (v1, v2) from these networks, e.g. HAProxy's
                                    address: their connections must start with it (default: none)
          --system-users            the machine's accounts log in (Linux, as root): passwords checked by PAM,
                                    each user jailed to its home directory (or all sharing --root DIR when
                                    given), every file operation with the user's own permissions; replaces
                                    anonymous and --user logins
          --system-users-pam-service NAME
                                    PAM service for --system-users (default ftp: /etc/pam.d/ftp must exist)
          --s3-endpoint URL         serve files from this S3 endpoint (e.g. http://127.0.0.1:7480) instead of --root
          --s3-bucket NAME          the bucket that holds the files: homes are keys home/NAME/, anonymous pub/
          --s3-prefix PREFIX        a key prefix below which everything is stored (default: the bucket's root)
          --s3-access-key KEY       the S3 access key
          --s3-secret-key SECRET    the S3 secret key; prefer FTP__S3__SECRETKEY (a command line is visible to others)
                                    Ftp:S3:Endpoint, Bucket, Prefix, AccessKey, SecretKey, StaleUploadAge and PartSize
                                    may come from configuration or the environment instead
          --help                    show this help

        Settings also come from appsettings.json (section "Ftp") and environment variables (Ftp__Limits__IdleTimeout=60).
        """;

    /// <summary>Parses the command line; on error writes a message to <paramref name="error"/> and returns null.</summary>
    public static SampleOptions? Parse(IReadOnlyList<string> args, TextWriter error)
    {
        var options = new SampleOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Count)
                {
                    throw new FormatException($"{arg} needs a value.");
                }

                return args[++i];
            }

            try
            {
                switch (arg)
                {
                    case "--help" or "-h" or "-?":
                        options.Help = true;
                        break;
                    case "--listen":
                        var listen = Value();
                        options.Listen = IPAddress.TryParse(listen, out var address) ? address : throw new FormatException($"--listen: '{listen}' is not an IP address.");
                        options.ListenGiven = true;
                        break;
                    case "--port":
                        var port = Value();
                        options.Port = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535
                            ? p
                            : throw new FormatException($"--port: '{port}' is not a port number (0-65535).");
                        options.PortGiven = true;
                        break;
                    case "--root":
                        options.Root = Value();
                        break;
                    case "--anonymous":
                        options.Anonymous = true;
                        break;
                    case "--no-anonymous":
                        options.Anonymous = false;
                        break;
                    case "--user":
                        options.Users.Add(ParseUser(Value()));
                        break;
                    case "--passive-ports":
                        options.PassivePorts = ParseRange(Value());
                        break;
                    case "--public-address":
                        var text = Value();
                        options.PublicAddress = IPAddress.TryParse(text, out var publicAddress) && publicAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
                            ? publicAddress
                            : throw new FormatException($"--public-address: '{text}' is not an IPv4 address.");
                        break;
                    case "--max-sessions":
                        options.MaxSessions = PositiveInt(arg, Value());
                        break;
                    case "--max-sessions-per-ip":
                        options.MaxSessionsPerIp = PositiveInt(arg, Value());
                        break;
                    case "--max-download-rate" or "--max-upload-rate":
                        options.SetRate(arg, Value());
                        break;
                    case "--allow-active":
                        options.AllowActive = true;
                        break;
                    case "--no-active":
                        options.AllowActive = false;
                        break;
                    case "--log-level":
                        var level = Value();
                        options.LogLevel = Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(level, ignoreCase: true, out var parsed) && !int.TryParse(level, out _)
                            ? parsed
                            : throw new FormatException($"--log-level: '{level}' is not one of Trace, Debug, Information, Warning, Error, Critical, None.");
                        break;
                    case "--tls-cert":
                        options.TlsCertificate = Value();
                        break;
                    case "--tls-key":
                        options.TlsKey = Value();
                        break;
                    case "--tls-cert-password":
                        options.TlsCertificatePassword = Value();
                        break;
                    case "--tls-self-signed":
                        options.TlsSelfSigned = true;
                        break;
                    case "--implicit-tls-port":
                        var implicitPort = Value();
                        options.ImplicitTlsPort = int.TryParse(implicitPort, NumberStyles.None, CultureInfo.InvariantCulture, out var ip) && ip <= 65535
                            ? ip
                            : throw new FormatException($"--implicit-tls-port: '{implicitPort}' is not a port number (0-65535).");
                        break;
                    case "--require-tls":
                        options.RequireTls = true;
                        break;
                    case "--trusted-proxies":
                        options.TrustedProxies.AddRange(ParseNetworks(Value()));
                        break;
                    case "--system-users":
                        options.SystemUsers = true;
                        break;
                    case "--system-users-pam-service":
                        options.SystemUsersPamService = Value();
                        break;
                    case not null when arg.StartsWith("--s3-", StringComparison.Ordinal) && options.S3.TryParse(arg, Value):
                        break;
                    default:
                        throw new FormatException($"Unknown option '{args[i]}'. Run with --help to see the options.");
                }
            }
            catch (FormatException ex)
            {
                error.WriteLine(ex.Message);
                return null;
            }
        }

        if (!CheckSystemUsers(options, args, error))
        {
            return null;
        }

        if (options.Anonymous && options.Users.FirstOrDefault(u => AnonymousNames.Contains(u.Name, StringComparer.OrdinalIgnoreCase)) is { } shadowed)
        {
            error.WriteLine($"--user: '{shadowed.Name}' is an anonymous login name (any password logs in read-only): choose another name, or add --no-anonymous.");
            return null;
        }

        if ((options.ImplicitTlsPort is not null || options.RequireTls) && options.TlsCertificate is null && !options.TlsSelfSigned)
        {
            error.WriteLine("--implicit-tls-port and --require-tls need a certificate: give --tls-cert FILE (or --tls-self-signed for local testing).");
            return null;
        }

        return options;
    }

    /// <summary>--system-users replaces anonymous and --user logins; --root, when given, becomes the users' shared root.</summary>
    private static bool CheckSystemUsers(SampleOptions options, IReadOnlyList<string> args, TextWriter error)
    {
        if (options.SystemUsersPamService is not null && !options.SystemUsers)
        {
            error.WriteLine("--system-users-pam-service needs --system-users.");
            return false;
        }

        if (!options.SystemUsers)
        {
            return true;
        }

        if (options.Users.Count > 0 || args.Contains("--anonymous"))
        {
            error.WriteLine("--system-users lets only the machine's accounts log in: leave out --user and --anonymous.");
            return false;
        }

        options.Anonymous = false;
        options.SystemUsersSharedRoot = args.Any(a => a == "--root" || a.StartsWith("--root=", StringComparison.Ordinal)) ? options.Root : null;
        return true;
    }

    private static int PositiveInt(string option, string text)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n
            : throw new FormatException($"{option}: '{text}' is not a whole number of 1 or more.");

    private static SampleUser ParseUser(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? text : text[..colon];
        if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || name is "." or "..")
        {
            throw new FormatException($"--user: '{name}' is not a valid user name (letters, digits, '-', '_' and '.').");
        }

        if (colon < 0)
        {
            return new SampleUser(name, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)), PasswordGenerated: true);
        }

        var password = text[(colon + 1)..];
        return password.Length > 0 ? new SampleUser(name, password, false) : throw new FormatException($"--user: the password of '{name}' is empty.");
    }

    private static string[] ParseNetworks(string text)
    {
        var networks = text.Split(',', StringSplitOptions.TrimEntries);
        foreach (var network in networks)
        {
            if (!(network.Contains('/', StringComparison.Ordinal) ? IPNetwork.TryParse(network, out _) : IPAddress.TryParse(network, out _)))
            {
                throw new FormatException($"--trusted-proxies: '{network}' is not an address or a network such as 10.0.0.0/8.");
            }
        }

        return networks;
    }

    private static (int, int) ParseRange(string text)
        => FtpPortRange.TryParse(text, out var range)
            ? (range.From, range.To)
            : throw new FormatException($"--passive-ports: '{text}' is not a range FROM-TO with 1 <= FROM <= TO <= 65535.");
}
