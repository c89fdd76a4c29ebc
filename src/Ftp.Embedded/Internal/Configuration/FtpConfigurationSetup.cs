using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Internal.Configuration;

/// <summary>
/// Binds the <c>Ftp</c> configuration section. Read by hand: the library does not depend on the configuration binder,
/// and every value that does not parse is reported with its key and the accepted form instead of being ignored.
/// </summary>
internal sealed class FtpConfigurationSetup(IConfiguration? configuration = null)
    : IConfigureOptions<FtpServerOptions>, IConfigureOptions<FtpAnonymousOptions>, IConfigureOptions<FtpLocalUserOptions>
{
    public const string SectionName = "Ftp";

    public void Configure(FtpServerOptions options)
    {
        if (Section() is not { } ftp)
        {
            return;
        }

        var endpoints = ftp.GetSection("Endpoints");
        foreach (var child in endpoints.GetChildren())
        {
            var value = child.Value ?? "";
            options.Endpoints.Add(IPEndPoint.TryParse(value, out var endPoint) && endPoint.Port is >= 0 and <= 65535 && value.Contains(':', StringComparison.Ordinal)
                ? endPoint
                : throw Invalid(child.Path, value, "an address and port such as \"0.0.0.0:21\" or \"[::]:21\""));
        }

        String(ftp, "Greeting", v => options.Greeting = v);
        String(ftp, "TransferLogPath", v => options.TransferLogPath = v.Length == 0 ? null : v);
        foreach (var host in ftp.GetSection("Hosts").GetChildren())
        {
            options.Hosts.Add(host.Value ?? "");
        }

        var limits = ftp.GetSection("Limits");
        var l = options.Limits;
        Int(limits, "MaxLineLength", v => l.MaxLineLength = v);
        Int(limits, "MaxPathLength", v => l.MaxPathLength = v);
        Time(limits, "IdleTimeout", v => l.IdleTimeout = v);
        Time(limits, "LoginTimeout", v => l.LoginTimeout = v);
        Time(limits, "DataConnectTimeout", v => l.DataConnectTimeout = v);
        Time(limits, "DataStallTimeout", v => l.DataStallTimeout = v);
        Time(limits, "FailedLoginDelay", v => l.FailedLoginDelay = v);
        Int(limits, "MaxFailedLogins", v => l.MaxFailedLogins = v);
        Int(limits, "MaxSessions", v => l.MaxSessions = v);
        Int(limits, "MaxSessionsPerIp", v => l.MaxSessionsPerIp = v);
        Time(limits, "ShutdownTimeout", v => l.ShutdownTimeout = v);
        Time(limits, "ReplyTimeout", v => l.ReplyTimeout = v);
        var ban = ftp.GetSection("Security").GetSection("Ban");
        Bool(ban, "Enabled", v => options.Security.Ban.Enabled = v);
        Int(ban, "MaxFailures", v => options.Security.Ban.MaxFailures = v);
        Time(ban, "Window", v => options.Security.Ban.Window = v);
        Time(ban, "Duration", v => options.Security.Ban.Duration = v);
        Int(ban, "MaxTrackedAddresses", v => options.Security.Ban.MaxTrackedAddresses = v);

        var passive = ftp.GetSection("Passive");
        String(passive, "PortRange", v => options.Passive.PortRange = FtpPortRange.TryParse(v, out var range)
            ? range
            : throw Invalid(passive.GetSection("PortRange").Path, v, "FROM-TO, such as \"50000-50100\""));
        String(passive, "PublicAddress", v => options.Passive.PublicAddress = IPAddress.TryParse(v, out var address)
            ? address
            : throw Invalid(passive.GetSection("PublicAddress").Path, v, "an IP address such as \"203.0.113.7\""));

        var active = ftp.GetSection("Active");
        Bool(active, "Enabled", v => options.Active.Enabled = v);
        Bool(active, "AllowThirdPartyTargets", v => options.Active.AllowThirdPartyTargets = v);
        Bool(active, "UsePort20", v => options.Active.UsePort20 = v);
        Bool(ftp.GetSection("Uploads"), "Atomic", v => options.Uploads.Atomic = v);
        Time(limits, "TlsHandshakeTimeout", v => l.TlsHandshakeTimeout = v);

        var tls = ftp.GetSection("Tls");
        String(tls, "CertificatePath", v => options.Tls.CertificatePath = v);
        String(tls, "KeyPath", v => options.Tls.KeyPath = v);
        String(tls, "CertificatePassword", v => options.Tls.CertificatePassword = v);
        Bool(tls, "RequireForLogin", v => options.Tls.RequireForLogin = v);
        Bool(tls, "RequireForData", v => options.Tls.RequireForData = v);
        Bool(tls, "RequireForAnonymous", v => options.Tls.RequireForAnonymous = v);
        foreach (var child in tls.GetSection("ImplicitEndpoints").GetChildren())
        {
            var value = child.Value ?? "";
            options.Tls.ImplicitEndpoints.Add(IPEndPoint.TryParse(value, out var endPoint) && value.Contains(':', StringComparison.Ordinal)
                ? endPoint
                : throw Invalid(child.Path, value, "an address and port such as \"0.0.0.0:990\""));
        }
    }

    public void Configure(FtpAnonymousOptions options)
    {
        if (Section()?.GetSection("Anonymous") is not { } anonymous || !anonymous.Exists())
        {
            return;
        }

        var names = anonymous.GetSection("UserNames").GetChildren().Select(c => c.Value ?? "").ToList();
        if (names.Count > 0)
        {
            options.UserNames.Clear();
            foreach (var name in names)
            {
                options.UserNames.Add(name);
            }
        }

        String(anonymous, "HomeDirectory", v => options.HomeDirectory = v);
        String(anonymous, "Permissions", v => options.Permissions = ParsePermissions(anonymous.GetSection("Permissions").Path, v));
        String(anonymous, "UploadDirectory", v => options.UploadDirectory = v.Length == 0 ? null : v);
    }

    public void Configure(FtpLocalUserOptions options)
    {
        if (Section()?.GetSection("Users") is not { } users)
        {
            return;
        }

        foreach (var entry in users.GetChildren())
        {
            var user = new FtpLocalUser
            {
                Name = entry["Name"] ?? "",
                PasswordHash = entry["PasswordHash"] ?? "",
                HomeDirectory = entry["HomeDirectory"] ?? entry["Home"] ?? "/",
            };
            String(entry, "Permissions", v => user.Permissions = ParsePermissions(entry.GetSection("Permissions").Path, v));
            options.Users.Add(user);
        }
    }

    internal static TimeSpan? ParseDuration(string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds <= 86400)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null;
    }

    internal static FtpPermissions ParsePermissions(string key, string text)
    {
        var permissions = FtpPermissions.None;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            permissions |= !char.IsAsciiDigit(part[0]) && Enum.TryParse<FtpPermissions>(part, ignoreCase: true, out var one)
                ? one
                : throw Invalid(key, text, "a comma-separated list of Read, Write, Delete, CreateDirectory and Rename, or All, ReadOnly or None");
        }

        return permissions;
    }

    private IConfigurationSection? Section()
        => configuration?.GetSection(SectionName) is { } section && section.Exists() ? section : null;

    private static void String(IConfiguration section, string key, Action<string> set)
    {
        if (section[key] is { } value)
        {
            set(value);
        }
    }

    private static void Int(IConfigurationSection section, string key, Action<int> set) => Apply(section, key, "a whole number",
        v => int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null, set);

    private static void Time(IConfigurationSection section, string key, Action<TimeSpan> set)
        => Apply(section, key, "seconds (300) or hh:mm:ss (00:05:00)", ParseDuration, set);

    private static void Bool(IConfigurationSection section, string key, Action<bool> set)
        => Apply(section, key, "true or false", v => bool.TryParse(v, out var b) ? b : null, set);

    private static void Apply<T>(IConfigurationSection section, string key, string form, Func<string, T?> parse, Action<T> set)
        where T : struct
    {
        if (section[key] is not { } text)
        {
            return;
        }

        var path = section.GetSection(key).Path;
        var value = parse(text) ?? throw Invalid(path, text, form);
        try
        {
            set(value);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new OptionsValidationException(path, typeof(FtpServerOptions), [$"{path} = '{text}' is out of range: {ex.Message.Split(" (Parameter", 2)[0]}"]);
        }
    }

    private static OptionsValidationException Invalid(string key, string value, string form)
        => new(key, typeof(FtpServerOptions), [$"{key} = '{value}' is not valid: use {form}."]);
}

/// <summary>Checks options on start and says what to fix.</summary>
internal sealed class FtpServerOptionsValidator : IValidateOptions<FtpServerOptions>
{
    public ValidateOptionsResult Validate(string? name, FtpServerOptions options)
    {
        var failures = new List<string>();
        if (options.Endpoints.Count == 0)
        {
            failures.Add("Ftp:Endpoints is empty: add at least one endpoint, for example options.Endpoints.Add(new IPEndPoint(IPAddress.Any, 21)) or \"Ftp\": { \"Endpoints\": [ \"0.0.0.0:21\" ] }.");
        }

        failures.AddRange(EndpointConflicts.Find(options));

        if (options.Passive.PortRange is { } range && (range.From < 1 || range.To > 65535 || range.From > range.To))
        {
            failures.Add($"Ftp:Passive:PortRange {range.From}-{range.To} is invalid: give FROM-TO with 1 <= FROM <= TO <= 65535.");
        }

        if (options.Greeting.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            failures.Add("Ftp:Greeting must be one line: remove the line breaks.");
        }

        if (options.Tls.CertificatePath is { Length: > 0 } certificate && !File.Exists(certificate))
        {
            failures.Add($"Ftp:Tls:CertificatePath '{certificate}' does not exist: give a PFX or PEM certificate file.");
        }

        if (options.Tls.KeyPath is { Length: > 0 } key && !File.Exists(key))
        {
            failures.Add($"Ftp:Tls:KeyPath '{key}' does not exist: give the PEM private key of the certificate.");
        }

        if (!options.Tls.IsEnabled && (options.Tls.RequireForLogin || options.Tls.RequireForData || options.Tls.ImplicitEndpoints.Count > 0))
        {
            failures.Add("Ftp:Tls requires TLS or has implicit endpoints but no certificate: set Tls.Certificate or Tls:CertificatePath.");
        }

        if (options.Hosts.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("Ftp:Hosts has an empty entry: list host names such as \"ftp.example.com\".");
        }

        if (options.TransferLogPath is { Length: > 0 } transferLog && TransferLogProblem(transferLog) is { } problem)
        {
            failures.Add($"Ftp:TransferLogPath '{transferLog}' {problem}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string? TransferLogProblem(string path)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return "is not a valid file path: give a file such as /var/log/ftp/xferlog.";
        }

        if (Directory.Exists(full))
        {
            return "is a directory: give a file in it, such as /var/log/ftp/xferlog.";
        }

        var directory = Path.GetDirectoryName(full);
        return directory is null || Directory.Exists(directory)
            ? null
            : $"is in a directory that does not exist ('{directory}'): create the directory or give another path.";
    }
}

/// <summary>Checks local users on start.</summary>
internal sealed class FtpLocalUserOptionsValidator : IValidateOptions<FtpLocalUserOptions>
{
    public ValidateOptionsResult Validate(string? name, FtpLocalUserOptions options)
    {
        var failures = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Users.Count; i++)
        {
            var user = options.Users[i];
            var label = $"Ftp:Users:{i} ({user.Name})";
            if (string.IsNullOrWhiteSpace(user.Name))
            {
                failures.Add($"Ftp:Users:{i} has no Name.");
            }
            else if (!seen.Add(user.Name))
            {
                failures.Add($"{label}: the name appears twice.");
            }

            if (!FtpPasswordHasher.IsHash(user.PasswordHash))
            {
                failures.Add($"{label}: PasswordHash is not a hash made by FtpPasswordHasher.Hash(password); create one with FtpPasswordHasher.Hash.");
            }

            if (!user.HomeDirectory.StartsWith('/'))
            {
                failures.Add($"{label}: HomeDirectory '{user.HomeDirectory}' must be a virtual path starting with '/'.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Checks anonymous access on start.</summary>
internal sealed class FtpAnonymousOptionsValidator : IValidateOptions<FtpAnonymousOptions>
{
    public ValidateOptionsResult Validate(string? name, FtpAnonymousOptions options)
    {
        var failures = new List<string>();
        if (options.UserNames.Count == 0 || options.UserNames.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("Ftp:Anonymous:UserNames must list at least one non-empty name, such as \"anonymous\".");
        }

        if (!options.HomeDirectory.StartsWith('/'))
        {
            failures.Add($"Ftp:Anonymous:HomeDirectory '{options.HomeDirectory}' must be a virtual path starting with '/'.");
        }

        if (options.UploadDirectory is { } upload && !upload.StartsWith('/'))
        {
            failures.Add($"Ftp:Anonymous:UploadDirectory '{upload}' must be a path starting with '/', relative to the anonymous root.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
