namespace Ftp.Embedded.Internal.Connections;

/// <summary>
/// How many logged-in sessions each user name holds, for <see cref="FtpUser.MaxSessions"/> (ProFTPD's
/// <c>MaxClientsPerUser</c>). Every login is counted, limited or not, so a limit an authenticator sets later sees the
/// sessions that came before; a name leaves the table when its last session ends.
/// </summary>
internal sealed class UserSessions
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>The sessions <paramref name="userName"/> holds now.</summary>
    public int Count(string userName)
    {
        lock (_lock)
        {
            return _counts.GetValueOrDefault(userName);
        }
    }

    /// <summary>
    /// Counts one more session of <paramref name="userName"/>, unless it holds <paramref name="max"/> already (0: no limit).
    /// Returns the place to give back when the session logs out or ends, or <see langword="null"/> when refused.
    /// </summary>
    public IDisposable? TryAcquire(string userName, int max)
    {
        lock (_lock)
        {
            var count = _counts.GetValueOrDefault(userName);
            if (max > 0 && count >= max)
            {
                return null;
            }

            _counts[userName] = count + 1;
        }

        return new Lease(this, userName);
    }

    private void Release(string userName)
    {
        lock (_lock)
        {
            var count = _counts.GetValueOrDefault(userName) - 1;
            if (count > 0)
            {
                _counts[userName] = count;
            }
            else
            {
                _counts.Remove(userName);
            }
        }
    }

    /// <summary>One session's place; giving it back twice counts once.</summary>
    private sealed class Lease(UserSessions owner, string userName) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(userName);
            }
        }
    }
}
