using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Internal.Configuration;

/// <summary>
/// Binds the <c>Ftp</c> configuration section. Read by hand: the library does not depend on the configuration binder,
/// and every value that does not parse is reported with its key and the accepted form instead of being ignored.
/// </summary>
internal sealed partial class FtpConfigurationSetup(IConfiguration? configuration = null)
    : IConfigureOptions<FtpServerOptions>, IConfigureOptions<FtpAnonymousOptions>, IConfigureOptions<FtpLocalUserOptions>
{
    public const string SectionName = "Ftp";

    public void Configure(FtpServerOptions options)
    {
        if (Section() is not { } ftp)
        {
            return;
        }

        BindGeneral(ftp, options);
        BindLimits(ftp, options);
        BindDataConnections(ftp, options);
        BindTls(ftp, options);
        BindProxy(ftp, options);
    }

    private static void BindProxy(IConfigurationSection ftp, FtpServerOptions options)
    {
        var proxy = ftp.GetSection("Proxy");
        foreach (var child in proxy.GetSection("TrustedNetworks").GetChildren())
        {
            options.Proxy.TrustedNetworks.Add(child.Value ?? "");
        }

        Time(proxy, "HeaderTimeout", v => options.Proxy.HeaderTimeout = v);
        Bool(proxy, "Required", v => options.Proxy.Required = v);
    }

    private static void BindGeneral(IConfigurationSection ftp, FtpServerOptions options)
    {
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
        Bool(ftp, "AllowModeZ", v => options.AllowModeZ = v);
        Bool(ftp, "AllowSiteChmod", v => options.AllowSiteChmod = v);
        foreach (var host in ftp.GetSection("Hosts").GetChildren())
        {
            options.Hosts.Add(host.Value ?? "");
        }
    }

    private static void BindLimits(IConfigurationSection ftp, FtpServerOptions options)
    {
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
        BindRates(limits, l);
    }

    private static void BindDataConnections(IConfigurationSection ftp, FtpServerOptions options)
    {
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
    }

    private static void BindTls(IConfigurationSection ftp, FtpServerOptions options)
    {
        Time(ftp.GetSection("Limits"), "TlsHandshakeTimeout", v => options.Limits.TlsHandshakeTimeout = v);

        var tls = ftp.GetSection("Tls");
        String(tls, "CertificatePath", v => options.Tls.CertificatePath = v);
        String(tls, "KeyPath", v => options.Tls.KeyPath = v);
        String(tls, "CertificatePassword", v => options.Tls.CertificatePassword = v);
        Bool(tls, "RequireForLogin", v => options.Tls.RequireForLogin = v);
        Bool(tls, "RequireForData", v => options.Tls.RequireForData = v);
        Bool(tls, "RequireForAnonymous", v => options.Tls.RequireForAnonymous = v);
        BindClientCertificates(tls, options.Tls);
        foreach (var child in tls.GetSection("ImplicitEndpoints").GetChildren())
        {
            var value = child.Value ?? "";
            options.Tls.ImplicitEndpoints.Add(IPEndPoint.TryParse(value, out var endPoint) && value.Contains(':', StringComparison.Ordinal)
                ? endPoint
                : throw Invalid(child.Path, value, "an address and port such as \"0.0.0.0:990\""));
        }
    }

    private static void BindClientCertificates(IConfigurationSection tls, FtpTlsOptions options)
    {
        Apply(tls, "ClientCertificates", "None, Optional or Required",
            v => Enum.TryParse<FtpClientCertificateMode>(v, ignoreCase: true, out var mode) && Enum.IsDefined(mode) && !char.IsAsciiDigit(v.TrimStart()[0]) ? mode : (FtpClientCertificateMode?)null,
            v => options.ClientCertificates = v);
        String(tls, "ClientCertificateAuthorityPath", v => options.ClientCertificateAuthorityPath = v.Length == 0 ? null : v);
        Bool(tls, "AllowCertificateOnlyLogin", v => options.AllowCertificateOnlyLogin = v);
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
        BindRates(anonymous, options);
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
            BindUserLimits(entry, user);
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
