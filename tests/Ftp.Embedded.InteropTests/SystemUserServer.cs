using System.Net;
using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;

namespace Ftp.Embedded.InteropTests;

/// <summary>
/// Two throwaway Unix accounts (made with useradd, passwords set with chpasswd, removed with userdel), a PAM service file
/// of their own in /etc/pam.d, and two servers with <c>UseSystemUsers</c>: one that jails each user in its home, one where
/// both share a root. Needs root on Linux, as CI runs the tests.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SystemUserServer : IAsyncLifetime
{
    /// <summary>Why system-user tests cannot run here, or <see langword="null"/> when they can.</summary>
    public static string? SkipReason => SystemUserFactAttribute.Reason;

    private readonly string _pamFile;

    public SystemUserServer()
    {
        Root = Directory.CreateTempSubdirectory("ftp-system-users-").FullName;
        File.SetUnixFileMode(Root, (UnixFileMode)0b111_101_101);
        PamService = "ftp-embedded-test-" + Guid.NewGuid().ToString("N")[..8];
        _pamFile = Path.Combine("/etc/pam.d", PamService);
        Alice = new TestAccount("fte" + Guid.NewGuid().ToString("N")[..9], Root);
        Bob = new TestAccount("fte" + Guid.NewGuid().ToString("N")[..9], Root);
    }

    public string Root { get; }

    /// <summary>The root both users share on <see cref="SharedServer"/>: world-writable with the sticky bit, as /tmp.</summary>
    public string Shared => Path.Combine(Root, "shared");

    public string PamService { get; }

    public TestAccount Alice { get; }

    public TestAccount Bob { get; }

    /// <summary>Each user jailed to its home directory.</summary>
    public FtpServer HomeServer { get; private set; } = null!;

    /// <summary>Both users in <see cref="Shared"/>.</summary>
    public FtpServer SharedServer { get; private set; } = null!;

    private ServiceProvider? _homeServices;
    private ServiceProvider? _sharedServices;

    public async Task InitializeAsync()
    {
        if (SkipReason is not null)
        {
            return;
        }

        await File.WriteAllTextAsync(_pamFile, "auth required pam_unix.so nodelay\naccount required pam_unix.so\n");
        Directory.CreateDirectory(Shared);
        File.SetUnixFileMode(Shared, (UnixFileMode)0b1_111_111_111);
        await Alice.CreateAsync();
        await Bob.CreateAsync();
        (_homeServices, HomeServer) = await StartAsync(sharedRoot: null);
        (_sharedServices, SharedServer) = await StartAsync(Shared);
    }

    private async Task<(ServiceProvider, FtpServer)> StartAsync(string? sharedRoot)
    {
        var services = new ServiceCollection();
        services.AddFtpServer(o =>
        {
            o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
            o.Limits.FailedLoginDelay = TimeSpan.Zero;
            o.Limits.MaxSessionsPerIp = 500;
        }).UseSystemUsers(o =>
        {
            o.PamService = PamService;
            o.SharedRoot = sharedRoot;
        });
        var provider = services.BuildServiceProvider();
        var server = provider.GetRequiredService<FtpServer>();
        await server.StartAsync(CancellationToken.None);
        return (provider, server);
    }

    public async Task DisposeAsync()
    {
        try
        {
            foreach (var (services, server) in new[] { (_homeServices, HomeServer), (_sharedServices, SharedServer) })
            {
                if (server is not null)
                {
                    await server.DisposeAsync();
                }

                if (services is not null)
                {
                    await services.DisposeAsync();
                }
            }
        }
        finally
        {
            // Each step on its own, so that a failure leaves no account or PAM file behind.
            if (SkipReason is null)
            {
                await Alice.DeleteAsync();
                await Bob.DeleteAsync();
                File.Delete(_pamFile);
            }

            Directory.Delete(Root, recursive: true);
        }
    }

    /// <summary>
    /// Threads of this process whose file-system ids or groups are not the process's own: every thread, read from
    /// <c>/proc/self/task/*/status</c> (the Uid line ends with the fsuid, the Gid line with the fsgid).
    /// </summary>
    public static IReadOnlyList<string> ThreadsWithOtherIds()
    {
        var own = Parse(File.ReadAllText("/proc/self/status"));
        var others = new List<string>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var ids = Parse(File.ReadAllText(Path.Combine(task, "status")));
                if (ids != own)
                {
                    others.Add($"thread {Path.GetFileName(task)}: {ids}");
                }
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return others;
    }

    private static string Parse(string status)
        => string.Join(" | ", status.Split('\n').Where(l => l.StartsWith("Uid:", StringComparison.Ordinal) || l.StartsWith("Gid:", StringComparison.Ordinal) || l.StartsWith("Groups:", StringComparison.Ordinal)).Select(l => string.Join(' ', l.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries))));
}

[SupportedOSPlatform("linux")]
/// <summary>A throwaway Unix account with a random name and password and a 0700 home under the test's root.</summary>
public sealed class TestAccount(string name, string root)
{
    public string Name { get; } = name;

    public string Password { get; } = "Pw-" + Guid.NewGuid().ToString("N");

    public string Home { get; } = Path.Combine(root, "home", name);

    public uint UserId { get; private set; }

    public uint GroupId { get; private set; }

    public async Task CreateAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Home)!);
        await Run("useradd", ["--no-create-home", "--home-dir", Home, "--shell", "/usr/sbin/nologin", "--user-group", Name]);
        await Run("chpasswd", [], $"{Name}:{Password}\n");
        UserId = uint.Parse((await Client.RunAsync("id", ["-u", Name])).ShouldSucceed().Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        GroupId = uint.Parse((await Client.RunAsync("id", ["-g", Name])).ShouldSucceed().Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Directory.CreateDirectory(Home);
        await Run("chown", [$"{Name}:{Name}", Home]);
        File.SetUnixFileMode(Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public async Task DeleteAsync()
    {
        // Also when CreateAsync failed half-way: userdel of a missing name fails harmlessly.
        await Client.RunAsync("userdel", [Name], timeout: TimeSpan.FromSeconds(30));
    }

    private static async Task Run(string program, string[] arguments, string? stdin = null)
        => (await Client.RunAsync(program, arguments, stdin, TimeSpan.FromSeconds(30))).ShouldSucceed();
}

/// <summary>A test that needs root on Linux to make Unix accounts: skipped, with the reason, elsewhere.</summary>
public sealed class SystemUserFactAttribute : FactAttribute
{
    public static string? Reason { get; } =
        !OperatingSystem.IsLinux() ? "System users need Linux (PAM, setfsuid)."
        : !Environment.IsPrivilegedProcess ? "System users need root (useradd, and the server switches file-system ids); CI runs the interop tests as root."
        : null;

    public SystemUserFactAttribute() => Skip = Reason;
}
