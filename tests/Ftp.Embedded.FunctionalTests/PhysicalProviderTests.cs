using System.Net;
using System.Net.Sockets;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>The disk provider end to end: homes on an empty root, long names, and what a killed process left behind.</summary>
public sealed class PhysicalProviderTests : IDisposable
{
    private static readonly Lazy<string> AliceHash = new(() => FtpPasswordHasher.Hash("secret"));
    private readonly string _root = Directory.CreateTempSubdirectory("ftp-physical-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static async Task<FtpServer> StartAsync(PhysicalFileSystemProvider provider)
    {
        var options = new FtpServerOptions();
        options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
        options.Limits.FailedLoginDelay = TimeSpan.Zero;
        var users = new FtpLocalUserOptions();
        users.Add("alice", AliceHash.Value, "/home/alice");
        var server = FtpServer.Create(options, provider,
        [
            new AnonymousAuthenticator(Options.Create(new FtpAnonymousOptions())),
            new LocalUserAuthenticator(Options.Create(users)),
        ]);
        await server.StartAsync(default);
        return server;
    }

    [Fact]
    public async Task The_quick_start_over_an_empty_root_logs_users_in_to_homes_it_creates()
    {
        await using var server = await StartAsync(new PhysicalFileSystemProvider(_root));
        await using (var alice = await FtpTestClient.LoginAsync(server.EndPoints[0].Port))
        {
            await alice.StoreAsync("STOR hello.txt", "hi"u8.ToArray());
        }

        await using (var anonymous = await FtpTestClient.LoginAsync(server.EndPoints[0].Port, "anonymous", "guest@example.com"))
        {
            (await anonymous.ListAsync("NLST")).Should().BeEmpty();
        }

        File.ReadAllText(Path.Combine(_root, "home", "alice", "hello.txt")).Should().Be("hi");
        Directory.Exists(Path.Combine(_root, "pub")).Should().BeTrue();
    }

    [Fact]
    public async Task Without_home_creation_a_missing_home_is_a_530_that_says_so_and_not_a_failed_login()
    {
        await using var server = await StartAsync(new PhysicalFileSystemProvider(_root) { CreateHomeDirectories = false });
        await using var client = await FtpTestClient.ConnectAsync(server.EndPoints[0].Port);
        for (var i = 0; i < 4; i++)
        {
            // More tries than MaxFailedLogins (3): the password is right, so the connection stays.
            await client.ExpectAsync("USER alice", 331);
            (await client.ExpectAsync("PASS secret", 530)).Text.Should().Be("Login refused: your home directory does not exist on this server.");
        }

        await client.ExpectAsync("NOOP", 200);
        Directory.Exists(Path.Combine(_root, "home")).Should().BeFalse();
    }

    [Fact]
    public async Task A_name_of_255_bytes_is_uploaded_and_one_of_256_refused_before_any_data()
    {
        Directory.CreateDirectory(Path.Combine(_root, "home", "alice"));
        await using var server = await StartAsync(new PhysicalFileSystemProvider(_root));
        await using var client = await FtpTestClient.LoginAsync(server.EndPoints[0].Port);
        var longest = new string('a', 251) + ".txt";
        var multibyte = new string('é', 127) + "x"; // 255 bytes in UTF-8
        await client.StoreAsync($"STOR {longest}", "255"u8.ToArray());
        await client.StoreAsync($"STOR {multibyte}", "mb"u8.ToArray());
        File.ReadAllText(Path.Combine(_root, "home", "alice", longest)).Should().Be("255");
        File.ReadAllText(Path.Combine(_root, "home", "alice", multibyte)).Should().Be("mb");

        using (await client.OpenPassiveAsync())
        {
            (await client.ExpectAsync($"STOR {longest}x", 553)).Text.Should().Be("File name too long.");
        }

        Directory.GetFileSystemEntries(Path.Combine(_root, "home", "alice")).Select(Path.GetFileName)
            .Should().BeEquivalentTo(longest, multibyte);
    }

    [Fact]
    public async Task Temporary_files_a_killed_process_left_are_removed_at_start_and_live_ones_kept()
    {
        var home = Directory.CreateDirectory(Path.Combine(_root, "home", "alice", "deep")).FullName;
        var stale = Path.Combine(home, ".ftp-upload-0123456789abcdef.part");
        var live = Path.Combine(home, ".ftp-upload-fedcba9876543210.part");
        var lookalike = Path.Combine(home, ".ftp-upload-notours.part");
        foreach (var file in new[] { stale, live, lookalike })
        {
            await File.WriteAllTextAsync(file, "partial");
        }

        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-2));
        File.SetLastWriteTimeUtc(lookalike, DateTime.UtcNow.AddHours(-2));

        await using var server = await StartAsync(new PhysicalFileSystemProvider(_root));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (File.Exists(stale) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        File.Exists(stale).Should().BeFalse("a temporary file untouched for longer than the stall timeout is stale");
        File.Exists(live).Should().BeTrue("an upload of a live process may still be writing it");
        File.Exists(lookalike).Should().BeTrue("only names of the exact pattern are the server's");
    }
}
