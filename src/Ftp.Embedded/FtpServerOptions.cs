using System.Net;

namespace Ftp.Embedded;

/// <summary>Settings of an <see cref="FtpServer"/>. Bound from the <c>Ftp</c> configuration section and validated on start.</summary>
public sealed class FtpServerOptions
{
    /// <summary>
    /// Where the server listens (IPv4 and IPv6). Port 0 picks a free port; <see cref="FtpServer.EndPoints"/> tells which.
    /// Configuration form: <c>"Endpoints": [ "0.0.0.0:21", "[::]:21" ]</c>. At least one is required. An address and port
    /// may appear once here and in <see cref="FtpTlsOptions.ImplicitEndpoints"/> together, and a wildcard address
    /// (0.0.0.0, [::]) takes its port for every address of its family; a port another process listens on fails the
    /// start (it is never shared).
    /// </summary>
    public IList<IPEndPoint> Endpoints { get; } = new List<IPEndPoint>();

    /// <summary>The text of the 220 greeting. Default <c>Ftp.Embedded ready</c>.</summary>
    public string Greeting { get; set; } = "Ftp.Embedded ready";

    /// <summary>
    /// Host names HOST (RFC 7151) accepts. Empty (the default): any name is accepted.
    /// </summary>
    public IList<string> Hosts { get; } = new List<string>();

    /// <summary>Limits and timeouts.</summary>
    public FtpServerLimits Limits { get; } = new();

    /// <summary>Passive-mode settings.</summary>
    public FtpPassiveOptions Passive { get; } = new();

    /// <summary>Active-mode settings.</summary>
    public FtpActiveOptions Active { get; } = new();

    /// <summary>Upload settings.</summary>
    public FtpUploadOptions Uploads { get; } = new();

    /// <summary>Defences against password guessing (temporary bans).</summary>
    public FtpSecurityOptions Security { get; } = new();

    /// <summary>The PROXY protocol, for a server behind a load balancer; off until trusted networks are set.</summary>
    public FtpProxyOptions Proxy { get; } = new();

    /// <summary>FTPS settings; TLS is offered once a certificate is set.</summary>
    public FtpTlsOptions Tls { get; } = new();

    /// <summary>
    /// A file to which every file transfer is appended as one line in the <c>xferlog</c> format of wu-ftpd and vsftpd
    /// (see <c>docs/observability.md</c>); <see langword="null"/> (the default): no transfer log. Its directory must exist.
    /// Lines are written in the background and never slow transfers down: if the disk cannot keep up, lines are dropped
    /// and the drop is logged. Configuration key <c>Ftp:TransferLogPath</c>.
    /// </summary>
    public string? TransferLogPath { get; set; }

    /// <summary>
    /// Whether clients may compress data connections with <c>MODE Z</c> (zlib, as proftpd's mod_deflate and lftp use it;
    /// FEAT lists it). Default <see langword="true"/>; when <see langword="false"/>, <c>MODE Z</c> is answered with 504.
    /// Compression costs server CPU per transferred byte (see <c>docs/configuration.md</c>). Configuration key
    /// <c>Ftp:AllowModeZ</c>.
    /// </summary>
    public bool AllowModeZ { get; set; } = true;

    /// <summary>
    /// Whether <c>SITE CHMOD</c> may change permission bits (0 to 0777) on filesystems that can (the disk filesystem does, on
    /// Unix): <see langword="true"/> by default, as in proftpd and vsftpd; lftp's <c>mirror -R</c> sends it for every file.
    /// Turn it off when users must not make their files readable or writable for other accounts of the host: SITE CHMOD
    /// then answers 502 and SITE HELP does not list it. Configuration key <c>Ftp:AllowSiteChmod</c>.
    /// </summary>
    public bool AllowSiteChmod { get; set; } = true;
}
