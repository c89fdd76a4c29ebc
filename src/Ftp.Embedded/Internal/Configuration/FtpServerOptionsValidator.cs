using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Internal.Configuration;

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

        failures.AddRange(ClientCertificateProblems(options.Tls));

        if (options.Hosts.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("Ftp:Hosts has an empty entry: list host names such as \"ftp.example.com\".");
        }

        if (options.TransferLogPath is { Length: > 0 } transferLog && TransferLogProblem(transferLog) is { } problem)
        {
            failures.Add($"Ftp:TransferLogPath '{transferLog}' {problem}");
        }

        for (var i = 0; i < options.Proxy.TrustedNetworks.Count; i++)
        {
            var entry = options.Proxy.TrustedNetworks[i];
            if (!Internal.Proxy.TrustedNetworks.TryParse(entry, out _))
            {
                failures.Add($"Ftp:Proxy:TrustedNetworks:{i} '{entry}' is not an address or network: give a CIDR such as \"10.0.0.0/8\" or \"fd00::/8\", or one address such as \"192.0.2.10\".");
            }
        }

        if (options.Proxy.Required && options.Proxy.TrustedNetworks.Count == 0)
        {
            failures.Add("Ftp:Proxy:Required is set but Ftp:Proxy:TrustedNetworks is empty, so every connection would be refused: list the proxies' networks, or turn Required off.");
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

    /// <summary>Client certificate settings that cannot work together; the CA file itself is read when the server starts.</summary>
    private static IEnumerable<string> ClientCertificateProblems(FtpTlsOptions tls)
    {
        if (!Enum.IsDefined(tls.ClientCertificates))
        {
            yield return $"Ftp:Tls:ClientCertificates '{tls.ClientCertificates}' is not a mode: give None, Optional or Required.";
        }
        else if (tls.ClientCertificates != FtpClientCertificateMode.None)
        {
            if (!tls.IsEnabled)
            {
                yield return "Ftp:Tls:ClientCertificates needs TLS: set Tls.Certificate or Tls:CertificatePath.";
            }

            if (string.IsNullOrEmpty(tls.ClientCertificateAuthorityPath))
            {
                yield return "Ftp:Tls:ClientCertificateAuthorityPath is not set: give a PEM file with the certificate authorities that issue client certificates (Ftp:Tls:ClientCertificates needs it).";
            }
            else if (!File.Exists(tls.ClientCertificateAuthorityPath))
            {
                yield return $"Ftp:Tls:ClientCertificateAuthorityPath '{tls.ClientCertificateAuthorityPath}' does not exist: give a PEM file with the CA certificates.";
            }
        }

        if (tls.AllowCertificateOnlyLogin && (tls.ClientCertificates == FtpClientCertificateMode.None || tls.ClientCertificateMapper is null))
        {
            yield return "Ftp:Tls:AllowCertificateOnlyLogin needs Tls:ClientCertificates (Optional or Required) and Tls.ClientCertificateMapper, which maps a certificate to its user.";
        }

        if (tls.ClientCertificateMapper is not null && tls.ClientCertificates == FtpClientCertificateMode.None)
        {
            yield return "Tls.ClientCertificateMapper is set but Ftp:Tls:ClientCertificates is None, so no certificate is ever asked for: set it to Optional or Required.";
        }
    }
}
