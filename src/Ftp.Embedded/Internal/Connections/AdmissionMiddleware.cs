using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Ftp.Embedded.Internal.Hosting;
using Ftp.Embedded.Internal.Transport;

namespace Ftp.Embedded.Internal.Connections;

/// <summary>
/// Lets a connection through unless its address is banned or a session limit (<see cref="FtpServerLimits.MaxSessions"/>,
/// <see cref="FtpServerLimits.MaxSessionsPerIp"/>) is reached; otherwise answers 421 and closes it, reading nothing and
/// creating no session, so a flood of refused connections costs little.
/// </summary>
internal sealed class AdmissionMiddleware(ConnectionDelegate next, ServerContext context)
{
    private static readonly TimeSpan RefusalTimeout = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<IPAddress, int> _sessionsPerIp = new();
    private int _liveSessions; // from admission until the session's protocol ends

    public ValueTask OnConnectionAsync(FtpConnection connection)
    {
        var remote = connection.RemoteEndPoint;
        var ip = remote.Address;
        var limits = context.Options.Limits;
        if (context.Bans.IsBanned(ip))
        {
            context.Metrics.SessionRefused(RefusalReason.Banned);
            FtpLog.SessionRefused(context.Logger, remote, "address banned for failed logins");
            return RefuseAsync(connection, "Too many failed logins from your address; try again later.");
        }

        var perIp = _sessionsPerIp.AddOrUpdate(ip, 1, static (_, n) => n + 1);
        if (Volatile.Read(ref _liveSessions) >= limits.MaxSessions || perIp > limits.MaxSessionsPerIp)
        {
            Release(ip);
            var tooManyFromIp = perIp > limits.MaxSessionsPerIp;
            context.Metrics.SessionRefused(tooManyFromIp ? RefusalReason.MaxSessionsPerIp : RefusalReason.MaxSessions);
            FtpLog.SessionRefused(context.Logger, remote, tooManyFromIp ? "too many sessions from this address" : "too many sessions");
            return RefuseAsync(connection, tooManyFromIp
                ? "Too many connections from your address, try again later."
                : "Too many users, try again later.");
        }

        Interlocked.Increment(ref _liveSessions);
        // The slot is given back when the session's protocol ends, before the close drains late client input, so a
        // client that reconnects right after QUIT is not refused for a session that is only finishing its close.
        connection.OnProtocolEnded(() =>
        {
            Release(ip);
            Interlocked.Decrement(ref _liveSessions);
        });
        return RunAsync(connection);
    }

    private async ValueTask RunAsync(FtpConnection connection)
    {
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            connection.EndProtocol();
        }
    }

    private static async ValueTask RefuseAsync(FtpConnection connection, string message)
    {
        try
        {
            using var timeout = new CancellationTokenSource(RefusalTimeout);
            await connection.Stream.WriteAsync(Encoding.ASCII.GetBytes($"{(int)FtpReplyCode.ServiceNotAvailable} {message}\r\n"), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Release(IPAddress ip)
    {
        while (_sessionsPerIp.TryGetValue(ip, out var n))
        {
            if (n <= 1)
            {
                if (_sessionsPerIp.TryRemove(new KeyValuePair<IPAddress, int>(ip, n)))
                {
                    return;
                }
            }
            else if (_sessionsPerIp.TryUpdate(ip, n - 1, n))
            {
                return;
            }
        }
    }
}
