using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Internal.Configuration;

/// <summary>Binds the <c>Ftp</c> configuration section (read by hand: the library does not depend on the configuration binder).</summary>
internal sealed class FtpConfigurationSetup(IConfiguration? configuration = null)
    : IConfigureOptions<FtpServerOptions>, IConfigureOptions<FtpAnonymousOptions>, IConfigureOptions<FtpLocalUserOptions>
{
    public const string SectionName = "Ftp";

    public void Configure(FtpServerOptions options) => _ = configuration;

    public void Configure(FtpAnonymousOptions options) => _ = configuration;

    public void Configure(FtpLocalUserOptions options) => _ = configuration;
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

        if (options.Passive.PortRange is { } range && (range.From < 1 || range.To > 65535 || range.From > range.To))
        {
            failures.Add($"Ftp:Passive:PortRange {range.From}-{range.To} is invalid: give FROM-TO with 1 <= FROM <= TO <= 65535.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
