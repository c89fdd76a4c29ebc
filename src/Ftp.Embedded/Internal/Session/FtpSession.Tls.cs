using System.Net.Security;
using Ftp.Embedded.Internal.Tls;

namespace Ftp.Embedded.Internal.Session;

/// <summary>AUTH TLS on the control connection, and the TLS handshake of protected data connections.</summary>
internal sealed partial class FtpSession
{
    /// <summary>
    /// AUTH TLS (RFC 4217 section 4): the 234 reply has been sent. Bytes the client sent after the AUTH line, before the
    /// handshake, are an attempt to smuggle commands into the encrypted session: the connection is closed. Otherwise the
    /// handshake runs, the pipes are rebuilt over the TLS stream, and a new login starts (a new security state).
    /// </summary>
    private async ValueTask<bool> StartTlsAsync(bool protectData)
    {
        if (SmuggledBeforeHandshake())
        {
            FtpLog.SessionClosed(Context.Logger, Info.Id, "bytes after AUTH before the TLS handshake");
            _closing = true;
            return false;
        }

        await _reader!.CompleteAsync().ConfigureAwait(false);
        await _replies.CompleteAsync().ConfigureAwait(false);
        try
        {
            var ssl = await AuthenticateAsync(_connection.Stream).ConfigureAwait(false);
            _connection.Stream = ssl;
            Info.ClientCertificate = TlsHandshake.ClientCertificateOf(ssl);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            FtpLog.SessionClosed(Context.Logger, Info.Id, "TLS handshake failed");
            _closing = true;
            CreatePipes();
            return false;
        }

        CreatePipes();
        _connection.IsSecure = true;
        _login = _login.Reset();
        _tls = new TlsState(Secure: true, ProtectionBufferSizeSet: false, DataProtected: protectData);
        return true;
    }

    /// <summary>Whether the client sent anything after the AUTH line (read without waiting).</summary>
    private bool SmuggledBeforeHandshake()
    {
        if (!_reader!.TryRead(out var pending))
        {
            return false;
        }

        var smuggled = !pending.Buffer.IsEmpty;
        _reader.AdvanceTo(pending.Buffer.Start);
        return smuggled;
    }

    /// <summary>
    /// Runs the server side of a TLS handshake over <paramref name="inner"/> within the handshake timeout. A data
    /// connection of RETR or a listing is a download (TLS 1.3 allowed); any other one, uploads first, stays on TLS 1.2.
    /// </summary>
    private ValueTask<SslStream> AuthenticateAsync(Stream inner, bool dataConnection = false, CancellationToken cancellationToken = default)
        => dataConnection
            ? TlsHandshake.AuthenticateDataAsync(Context, inner, download: _transfer?.Verb is "RETR" or "LIST" or "NLST" or "MLSD", Info.ClientCertificate, _aborted.Token, cancellationToken)
            : TlsHandshake.AuthenticateAsync(Context, inner, dataConnection: false, Info.ClientCertificate, _aborted.Token, cancellationToken);
}
