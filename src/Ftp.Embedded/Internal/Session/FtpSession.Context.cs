using System.IO.Pipelines;
using Ftp.Embedded.Internal.Data;
using Ftp.Embedded.Internal.Protocol;

namespace Ftp.Embedded.Internal.Session;

/// <summary>The session as its command handlers see it: state to read, replies, and the transitions that change state.</summary>
internal sealed partial class FtpSession
{
    CancellationToken ICommandContext.Aborted => Aborted;

    LoginState ICommandContext.Login => _login;

    LoggedInUser ICommandContext.LoggedIn => LoggedIn;

    TlsState ICommandContext.Tls => _tls;

    TransferSettings ICommandContext.Settings => _settings;

    bool ICommandContext.HasPreparedData => _preparedData is not null;

    PassiveListener? ICommandContext.PassiveListener => _passiveListener;

    Transfer? ICommandContext.CurrentTransfer => _transfer;

    ValueTask ICommandContext.ReplyAsync(FtpReplyCode code, string text) => Reply(code, text);

    ValueTask ICommandContext.ReplyMultilineAsync(FtpReplyCode code, string first, IEnumerable<string> lines, string last)
        => _replies.WriteMultilineAsync(code, first, lines, last);

    ValueTask ICommandContext.ReplyStreamingAsync(FtpReplyCode code, string first, Func<PipeWriter, CancellationToken, ValueTask> writeLines, string last)
        => _replies.WriteStreamingAsync(code, first, writeLines, last);

    void ICommandContext.ExpectPassword(string userName) => _login = _login.ExpectPassword(userName);

    void ICommandContext.LogIn(FtpUser user, IFtpFileSystem fileSystem, IDisposable? userSession)
    {
        HoldUserSession(userSession);
        _login = _login.Succeeded(user, fileSystem);
        Info.User = user;
        _lastUserName = user.Name;
        _activity?.SetTag("ftp.user", user.Name);
    }

    int ICommandContext.RecordFailedLogin()
    {
        _login = _login.Failed();
        return _login.FailedLogins;
    }

    void ICommandContext.CancelLogin() => _login = _login.Reset();

    void ICommandContext.Logout() => Logout();

    void ICommandContext.Reinitialize()
    {
        Logout();
        Info.Host = null;
    }

    void ICommandContext.SelectHost(string host) => Info.Host = host;

    void ICommandContext.ChangeDirectory(string path)
    {
        if (_login.LoggedIn is { } loggedIn)
        {
            _login = _login with { LoggedIn = loggedIn with { CurrentDirectory = path } };
        }
    }

    void ICommandContext.EndSession() => _closing = true;

    void ICommandContext.SetRestartOffset(long offset) => _pending = _pending with { RestartOffset = offset };

    void ICommandContext.SetRenameFrom(string path) => _pending = _pending with { RenameFrom = path };

    void ICommandContext.SetHashRange((long Start, long End) range) => _pending = _pending with { HashRange = range };

    void ICommandContext.ChangeSettings(TransferSettings settings) => _settings = settings;

    ValueTask<bool> ICommandContext.StartTlsAsync(bool protectData) => StartTlsAsync(protectData);

    void ICommandContext.SetProtectionBufferSize() => _tls = _tls with { ProtectionBufferSizeSet = true };

    void ICommandContext.ProtectData(bool protect) => _tls = _tls with { DataProtected = protect };

    void ICommandContext.PrepareData(DataChannel? channel) => PrepareData(channel);

    ValueTask ICommandContext.StartTransferAsync(TransferRequest request) => StartTransferAsync(request);

    void ICommandContext.StartBackground(string description, Func<Transfer, Task<(FtpReplyCode Code, string Text)>> work) => StartBackground(description, work);

    /// <summary>The logged-in user, for what only runs after login (commands flagged NeedsLogin, their transfers).</summary>
    private LoggedInUser LoggedIn
        => _login.LoggedIn ?? throw new InvalidOperationException("Only after login (CommandFlags.NeedsLogin).");

    /// <summary>No user, no prepared data connection, default transfer settings; failed logins keep counting.</summary>
    private void Logout()
    {
        PrepareData(null);
        _login = _login.Reset();
        HoldUserSession(null);
        Info.User = null;
        _settings = TransferSettings.Default;
    }

    /// <summary>
    /// Sets the data connection of the next transfer. The session's passive listener stays only under a channel that
    /// leases it; anything else (PORT/EPRT, none, a new listener) gives it up.
    /// </summary>
    private void PrepareData(DataChannel? channel)
    {
        _preparedData?.Dispose();
        _preparedData = channel;
        var listener = (channel as PassiveDataChannel)?.Listener;
        if (listener != _passiveListener)
        {
            _passiveListener?.Abandon();
            _passiveListener = listener;
        }
    }

    private DataChannel? TakePreparedData()
    {
        var channel = _preparedData;
        _preparedData = null;
        return channel;
    }
}
