using System.IO.Pipelines;
using Ftp.Embedded.Internal.Data;
using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Protocol;

namespace Ftp.Embedded.Internal.Session;

/// <summary>
/// What a command handler sees of its session: the state to read, the replies to write, and the transitions that keep
/// the state consistent. <see cref="FtpSession"/> implements it explicitly; nothing else of the session is reachable.
/// </summary>
internal interface ICommandContext
{
    /// <summary>The server's services (options, seams, logger, metrics).</summary>
    ServerContext Context { get; }

    FtpSessionInfo Info { get; }

    /// <summary>Cancelled when the session is cut.</summary>
    CancellationToken Aborted { get; }

    LoginState Login { get; }

    /// <summary>The logged-in user; commands flagged <see cref="Commands.CommandFlags.NeedsLogin"/> always have one.</summary>
    LoggedInUser LoggedIn { get; }

    TlsState Tls { get; }

    TransferSettings Settings { get; }

    /// <summary>Whether PASV/EPSV/PORT/EPRT prepared a data connection for the next transfer.</summary>
    bool HasPreparedData { get; }

    /// <summary>The session's passive listener, kept across PASV/EPSV (<see cref="Ftp.Embedded.Internal.Data.PassiveListener"/>).</summary>
    PassiveListener? PassiveListener { get; }

    /// <summary>The last transfer started, running or ended.</summary>
    Transfer? CurrentTransfer { get; }

    ValueTask ReplyAsync(FtpReplyCode code, string text);

    ValueTask ReplyMultilineAsync(FtpReplyCode code, string first, IEnumerable<string> lines, string last);

    /// <summary>A multi-line reply whose inner lines <paramref name="writeLines"/> writes (each starting with a space).</summary>
    ValueTask ReplyStreamingAsync(FtpReplyCode code, string first, Func<PipeWriter, CancellationToken, ValueTask> writeLines, string last);

    /// <summary>USER: <paramref name="userName"/> waits for PASS.</summary>
    void ExpectPassword(string userName);

    /// <summary>
    /// PASS accepted: logs <paramref name="user"/> in at the root of <paramref name="fileSystem"/>, holding
    /// <paramref name="userSession"/> (the login's place under <see cref="FtpUser.MaxSessions"/>) until logout or the end.
    /// </summary>
    void LogIn(FtpUser user, IFtpFileSystem fileSystem, IDisposable? userSession);

    /// <summary>PASS rejected: back to USER; returns the failed attempts of this session so far.</summary>
    int RecordFailedLogin();

    /// <summary>The pending USER name is dropped without counting a failure.</summary>
    void CancelLogin();

    /// <summary>Logs out (USER while logged in): no user, no prepared data connection, default transfer settings.</summary>
    void Logout();

    /// <summary>REIN: <see cref="Logout"/>, and the HOST choice is forgotten.</summary>
    void Reinitialize();

    /// <summary>HOST: the virtual host of the coming login.</summary>
    void SelectHost(string host);

    void ChangeDirectory(string path);

    /// <summary>The session ends after the current command (QUIT, too many failed logins).</summary>
    void EndSession();

    /// <summary>REST: the offset of the next transfer.</summary>
    void SetRestartOffset(long offset);

    /// <summary>RNFR: the path the next RNTO renames.</summary>
    void SetRenameFrom(string path);

    /// <summary>RANG: the bytes the next HASH covers.</summary>
    void SetHashRange((long Start, long End) range);

    void ChangeSettings(TransferSettings settings);

    /// <summary>AUTH TLS after its 234: runs the handshake; on success a new login starts, data protected when <paramref name="protectData"/>.</summary>
    ValueTask<bool> StartTlsAsync(bool protectData);

    /// <summary>PBSZ after AUTH.</summary>
    void SetProtectionBufferSize();

    /// <summary>PROT P (<see langword="true"/>) or PROT C.</summary>
    void ProtectData(bool protect);

    /// <summary>Replaces (and closes) the prepared data connection; <see langword="null"/> drops it.</summary>
    void PrepareData(DataChannel? channel);

    /// <summary>Opens what <paramref name="request"/> moves and starts the transfer over the prepared data connection.</summary>
    ValueTask StartTransferAsync(TransferRequest request);

    /// <summary>
    /// Runs <paramref name="work"/> beside the command loop as the session's one transfer, without a data connection
    /// (HASH): ABOR cancels its token, STAT shows <paramref name="description"/> and its progress, the stall timeout cuts
    /// it when it reports none. The reply it returns is the command's; an exception is mapped like a transfer's.
    /// </summary>
    void StartBackground(string description, Func<Transfer, Task<(FtpReplyCode Code, string Text)>> work);
}
