using System.Diagnostics;
using System.Net;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>
/// Transfer rate limits (server-wide, per user, anonymous) and the per-user session and network limits, over real
/// sockets. Rates are checked by a lower bound on the elapsed time of a transfer at a low rate: 192 KiB at 64 KiB/s
/// needs about 2.9 s (the bucket starts with a tenth of a second's worth), and the tests ask for 2 s.
/// </summary>
public sealed class LimitsTests
{
    private const int Rate = 64 * 1024;
    private static readonly TimeSpan AtLeast = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task The_server_wide_download_limit_slows_a_download_which_stays_byte_exact()
    {
        await using var server = await TestServer.StartAsync(o => o.Limits.MaxDownloadRate = Rate);
        var content = Content(3 * Rate);
        await server.WriteFileAsync("/home/alice/big.bin", content);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);

        var clock = Stopwatch.StartNew();
        var received = await client.RetrieveAsync("RETR big.bin");

        clock.Elapsed.Should().BeGreaterThan(AtLeast);
        received.Should().Equal(content);
    }

    [Fact]
    public async Task An_upload_limit_an_authenticator_sets_applies_to_that_user()
    {
        await using var server = await TestServer.StartAsync(extraAuthenticators: [Users()]);
        var content = Content(3 * Rate);
        await using var client = await server.LoginAsync("slow", "pw");
        await client.ExpectAsync("TYPE I", 200);

        var clock = Stopwatch.StartNew();
        await client.StoreAsync("STOR up.bin", content);

        clock.Elapsed.Should().BeGreaterThan(AtLeast);
        (await server.ReadFileAsync("/home/alice/up.bin")).Should().Equal(content);
    }

    [Fact]
    public async Task The_anonymous_download_limit_applies_to_anonymous_sessions()
    {
        await using var server = await TestServer.StartAsync(anonymous: a => a.MaxDownloadRate = Rate);
        var content = Content(3 * Rate);
        await server.WriteFileAsync("/pub/big.bin", content);
        await using var client = await server.LoginAsync("anonymous", "guest@example.com");
        await client.ExpectAsync("TYPE I", 200);

        var clock = Stopwatch.StartNew();
        var received = await client.RetrieveAsync("RETR big.bin");

        clock.Elapsed.Should().BeGreaterThan(AtLeast);
        received.Should().Equal(content);
    }

    [Fact]
    public async Task A_login_beyond_the_users_session_limit_gets_530_and_an_ended_session_gives_its_place_back()
    {
        await using var server = await TestServer.StartAsync(extraAuthenticators: [Users()]);
        await using var first = await server.LoginAsync("carol", "pw");
        await using var second = await server.LoginAsync("carol", "pw");

        await using var third = await server.ConnectAsync();
        await third.ExpectAsync("USER carol", 331);
        (await third.ExpectAsync("PASS pw", 530)).Text.Should().Be("Too many sessions for this user (at most 2 at a time): close one and try again.");
        await third.ExpectAsync("PWD", 530);

        // Another user is not affected, and the refused session may log in once a place is free.
        await using var alice = await server.LoginAsync();
        await first.ExpectAsync("QUIT", 221);
        (await first.ExpectClosedAsync()).Should().BeTrue();
        await third.LoginAsync("carol", "pw");

        // REIN and a new USER log out and give the place back too.
        await second.ExpectAsync("REIN", 220);
        await using var fourth = await server.LoginAsync("carol", "pw");
        await third.ExpectAsync("USER alice", 331);
        await third.ExpectAsync("PASS secret", 230);
        await using var fifth = await server.LoginAsync("carol", "pw");
    }

    [Fact]
    public async Task A_login_from_outside_the_users_networks_is_refused_like_a_wrong_password()
    {
        await using var server = await TestServer.StartAsync(extraAuthenticators: [Users()]);
        await using var client = await server.ConnectAsync();
        await client.ExpectAsync("USER far", 331);
        (await client.ExpectAsync("PASS pw", 530)).Text.Should().Be("Login incorrect.");

        await client.ExpectAsync("USER near", 331);
        await client.ExpectAsync("PASS pw", 230);
    }

    [Fact]
    public async Task Logins_refused_by_the_users_limits_are_counted_by_reason()
    {
        using var meters = new TestMeterFactory();
        using var metrics = new MetricRecorder(meters);
        await using var server = await TestServer.StartAsync(extraAuthenticators: [Users()], meterFactory: meters);
        await using var first = await server.LoginAsync("carol", "pw");
        await using var second = await server.LoginAsync("carol", "pw");
        await using var client = await server.ConnectAsync();
        await client.ExpectAsync("USER carol", 331);
        await client.ExpectAsync("PASS pw", 530);
        await client.ExpectAsync("USER far", 331);
        await client.ExpectAsync("PASS pw", 530);

        metrics.Of("ftp.server.logins.refused").Select(m => m.Tag("ftp.refusal.reason")).Should().Equal("max_sessions_per_user", "network");
        metrics.Sum("ftp.server.login.failures").Should().Be(1, "only the refusal by network is answered as a failed login");
    }

    [Fact]
    public async Task A_session_cut_while_its_filesystem_is_being_opened_gives_the_users_place_back()
    {
        var time = new FakeTimeProvider();
        var fileSystem = new InMemoryFileSystem();
        await fileSystem.CreateDirectoryAsync("/home", CancellationToken.None);
        await fileSystem.CreateDirectoryAsync("/home/alice", CancellationToken.None);
        var provider = new HangOnceProvider(new InMemoryFileSystemProvider(fileSystem));
        await using var server = await TestServer.StartAsync(o => o.Limits.LoginTimeout = TimeSpan.FromSeconds(10), time,
            fileSystemProvider: provider, extraAuthenticators: [Users()]);
        await using (var cut = await server.ConnectAsync())
        {
            await cut.ExpectAsync("USER solo", 331);
            await cut.SendAsync("PASS pw");
            await FakeClock.AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => cut.Socket.Available > 0, 15);
            (await cut.ExpectAsync(421)).Text.Should().Contain("Login timeout");
            await cut.ExpectClosedAsync();
        }

        await using var next = await server.LoginAsync("solo", "pw");
        await next.ExpectAsync("PWD", 257);
    }

    private static byte[] Content(int size) => [.. Enumerable.Range(0, size).Select(i => (byte)(i * 31 + (i >> 8)))];

    private static UsersAuthenticator Users() => new(new Dictionary<string, FtpUser>
    {
        ["slow"] = new("slow", "/home/alice", FtpPermissions.All) { MaxUploadRate = Rate, MaxDownloadRate = Rate },
        ["carol"] = new("carol", "/home/alice", FtpPermissions.All) { MaxSessions = 2 },
        ["solo"] = new("solo", "/home/alice", FtpPermissions.All) { MaxSessions = 1 },
        ["far"] = new("far", "/home/alice", FtpPermissions.All) { AllowedNetworks = [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("::1/128")] },
        ["near"] = new("near", "/home/alice", FtpPermissions.All) { AllowedNetworks = [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("127.0.0.0/8")] },
    });

    /// <summary>A provider whose first GetFileSystemAsync waits until the session is cut.</summary>
    private sealed class HangOnceProvider(IFtpFileSystemProvider inner) : IFtpFileSystemProvider
    {
        private int _calls;

        public async ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }

            return await inner.GetFileSystemAsync(user, cancellationToken);
        }
    }

    /// <summary>Users with limits, as an application's authenticator would return them; every password is "pw".</summary>
    private sealed class UsersAuthenticator(Dictionary<string, FtpUser> users) : IFtpAuthenticator
    {
        public ValueTask<FtpUser?> AuthenticateAsync(FtpLoginContext login, CancellationToken cancellationToken)
            => ValueTask.FromResult(login.Password == "pw" ? users.GetValueOrDefault(login.UserName) : null);

        public bool IsKnownUser(string userName) => users.ContainsKey(userName);
    }
}
