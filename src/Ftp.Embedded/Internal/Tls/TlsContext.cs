using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Internal.Tls;

/// <summary>
/// The server side of TLS: the certificate context is built once and rebuilt only when the certificate file changes,
/// checked at most every few seconds, so a renewed certificate applies to new connections without a restart. A renewed
/// file that cannot be used is logged and the previous certificate stays in use.
/// </summary>
internal sealed class TlsContext
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);
    private readonly FtpTlsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _lock = new();
    private SslStreamCertificateContext? _context;
    private ClientCertificateValidator? _clients;
    private DateTime _fileTime;
    private long _lastCheck;

    public TlsContext(FtpTlsOptions options, TimeProvider time, ILogger? logger = null)
    {
        _options = options;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
    }

    public bool IsEnabled => _options.IsEnabled;

    /// <summary>
    /// Loads and checks the certificate now, so that a bad file, a wrong password, a missing key or a certificate that
    /// clients would refuse fails the start with an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>
    /// that names the setting.
    /// </summary>
    public void Validate()
    {
        _ = GetCertificateContext();
        _ = ClientValidator();
    }

    /// <summary>
    /// Options for one handshake. Data connections that carry an upload use TLS 1.2: a TLS 1.3 server sends session
    /// tickets after the handshake, and a client that uploads, sends close_notify and closes without reading them (curl
    /// does) makes the kernel reset the connection and drop the tail of the upload before the server has read it.
    /// SslStream offers no way to send zero tickets; TLS 1.2 delivers them inside the handshake. Downloads (the client
    /// reads to the end) and the control connection use 1.2 or 1.3, so a download can resume the control connection's
    /// TLS 1.3 session. All offer session resumption: a resumed handshake skips the certificate and the RSA signature
    /// (and, in TLS 1.2, the key exchange), which is most of what a small protected transfer costs. With client
    /// certificates on, every handshake asks for one: see <see cref="ClientCertificatePolicy"/>.
    /// </summary>
    /// <param name="dataConnection">Whether this is a data connection.</param>
    /// <param name="controlCertificate">For a data connection: the control connection's client certificate, if any.</param>
    /// <param name="download">For a data connection: whether the server only sends on it (RETR and the listings).</param>
    public SslServerAuthenticationOptions CreateOptions(bool dataConnection, X509Certificate2? controlCertificate = null, bool download = false)
    {
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = GetCertificateContext(),
            EnabledSslProtocols = dataConnection && !download ? SslProtocols.Tls12 : SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowTlsResume = true,
        };
        if (_options.ClientCertificates != FtpClientCertificateMode.None)
        {
            var policy = new ClientCertificatePolicy(_options.ClientCertificates, ClientValidator()!, _logger);
            options.ClientCertificateRequired = true;
            options.RemoteCertificateValidationCallback = dataConnection
                ? (_, certificate, _, _) => policy.AcceptData(certificate, controlCertificate)
                : (_, certificate, _, _) => policy.AcceptControl(certificate);
        }

        return options;
    }

    /// <summary>
    /// With client certificates on, the CertificateRequest names the configured CAs, so that a client with several
    /// certificates picks the right one. Windows cannot send a list built from a collection; nothing is sent there.
    /// </summary>
    private SslCertificateTrust? ClientTrust()
        => ClientValidator() is { } validator && !OperatingSystem.IsWindows()
            ? SslCertificateTrust.CreateForX509Collection(validator.Authorities, sendTrustInHandshake: true)
            : null;

    /// <summary>The client certificate validator, loaded once; <see langword="null"/> when client certificates are off.</summary>
    private ClientCertificateValidator? ClientValidator()
    {
        if (_options.ClientCertificates == FtpClientCertificateMode.None)
        {
            return null;
        }

        lock (_lock)
        {
            return _clients ??= ClientCertificateValidator.Load(_options.ClientCertificateAuthorityPath, _time);
        }
    }

    private SslStreamCertificateContext GetCertificateContext()
    {
        lock (_lock)
        {
            if (_context is not null && (_options.CertificatePath is null || _time.GetElapsedTime(_lastCheck) < CheckInterval))
            {
                return _context;
            }

            _lastCheck = _time.GetTimestamp();
            if (_options.CertificatePath is { } path)
            {
                var fileTime = File.GetLastWriteTimeUtc(path);
                if (_context is null || fileTime != _fileTime)
                {
                    _fileTime = fileTime;
                    try
                    {
                        _context = SslStreamCertificateContext.Create(CertificateLoader.Load(_options, path), additionalCertificates: null, offline: true, ClientTrust());
                    }
                    catch (OptionsValidationException ex) when (_context is not null)
                    {
                        // A renewal gone wrong (a half-written file, a new password, an expired copy) keeps the working
                        // certificate; the next change of the file is tried again.
                        FtpLog.CertificateNotReloaded(_logger, path, ex.Message);
                    }
                }
            }
            else if (_context is null)
            {
                CertificateLoader.Check(_options.Certificate!, "Tls.Certificate");
                _context = SslStreamCertificateContext.Create(_options.Certificate!, additionalCertificates: null, offline: true, ClientTrust());
            }

            return _context;
        }
    }
}
