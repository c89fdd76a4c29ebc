using System.Diagnostics;
using System.Net;
using Ftp.Embedded.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Ftp.Embedded.ConformanceTests;

/// <summary>
/// The conformance kit against <c>UseSystemUsers</c>: a throwaway Unix account logged in through PAM, whose filesystem
/// (a fresh shared root it owns) runs every call with the account's file-system ids. Needs root on Linux, as CI runs the
/// tests; elsewhere the kit's checks cannot be skipped one by one, so they run against the disk provider the system-user
/// filesystem is built on.
/// </summary>
public sealed class SystemUserConformanceTests(SystemUserConformanceTests.Account account)
    : FtpFileSystemConformanceTests, IClassFixture<SystemUserConformanceTests.Account>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ftp-conformance-system-").FullName;
    private readonly List<ServiceProvider> _services = [];
    private FtpUser? _user;

    protected override FtpUser User => _user ?? base.User;

    protected override async ValueTask<IFtpFileSystemProvider> CreateProviderAsync(CancellationToken cancellationToken)
    {
        if (!Account.Available || !OperatingSystem.IsLinux())
        {
            return new PhysicalFileSystemProvider(_root);
        }

        Account.Run("chown", account.Name, _root);
        var services = new ServiceCollection();
        services.AddFtpServer().UseSystemUsers(o =>
        {
            o.PamService = account.PamService;
            o.SharedRoot = _root;
        });
        var provider = services.BuildServiceProvider();
        _services.Add(provider);
        var endPoint = new IPEndPoint(IPAddress.Loopback, 21);
        var login = new FtpLoginContext(account.Name, account.Password, new FtpSessionInfo(1, endPoint, endPoint));
        _user = await provider.GetServices<IFtpAuthenticator>().Single().AuthenticateAsync(login, cancellationToken)
            ?? throw new InvalidOperationException($"PAM refused the test account {account.Name}.");
        return provider.GetRequiredService<IFtpFileSystemProvider>();
    }

    public void Dispose()
    {
        foreach (var provider in _services)
        {
            provider.Dispose();
        }

        Directory.Delete(_root, recursive: true);
        if (Account.Available)
        {
            // No thread of the process kept the account's file-system ids (the Uid line ends with the fsuid).
            var own = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                string? ids = null;
                try
                {
                    ids = File.ReadLines(Path.Combine(task, "status")).FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                }
                catch (IOException)
                {
                    // The thread ended meanwhile.
                }

                (ids ?? own).Should().Be(own, $"thread {Path.GetFileName(task)} must have the process's ids back");
            }
        }
    }

    /// <summary>The account (useradd, chpasswd; userdel at the end) and its PAM service file.</summary>
    public sealed class Account : IDisposable
    {
        public static bool Available { get; } = OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess;

        public string Name { get; } = "ftc" + Guid.NewGuid().ToString("N")[..9];

        public string Password { get; } = "Pw-" + Guid.NewGuid().ToString("N");

        public string PamService { get; } = "ftp-embedded-conformance-" + Guid.NewGuid().ToString("N")[..8];

        public Account()
        {
            if (Available)
            {
                File.WriteAllText(Path.Combine("/etc/pam.d", PamService), "auth required pam_unix.so nodelay\naccount required pam_unix.so\n");
                Run("useradd", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", "--user-group", Name);
                RunWithInput("chpasswd", $"{Name}:{Password}\n");
            }
        }

        public void Dispose()
        {
            if (Available)
            {
                File.Delete(Path.Combine("/etc/pam.d", PamService));
                Run("userdel", Name);
            }
        }

        public static void Run(string program, params string[] arguments) => RunWithInput(program, null, arguments);

        private static void RunWithInput(string program, string? stdin, params string[] arguments)
        {
            var info = new ProcessStartInfo(program, arguments) { RedirectStandardInput = stdin is not null, RedirectStandardError = true };
            using var process = Process.Start(info)!;
            if (stdin is not null)
            {
                process.StandardInput.Write(stdin);
                process.StandardInput.Close();
            }

            var error = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)) || process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {error}");
            }
        }
    }
}
