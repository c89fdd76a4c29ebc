using System.Net;
using System.Runtime.Versioning;
using Ftp.Embedded.Internal.SystemUsers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Tests.Authentication;

/// <summary>
/// The parts of system users below the protocol: the per-thread switch of file-system ids and groups, the start-up
/// checks, and the refusals that need no account. The end-to-end tests with real accounts are in the interop tests.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SystemUserTests : IDisposable
{
    private static readonly SystemAccount Stranger = new("stranger", 54321, 54322, [54322, 54323], "/nonexistent");
    private readonly string _directory = Directory.CreateTempSubdirectory("system-users-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [RootOnLinuxFact]
    public void Run_gives_the_ids_to_the_calling_thread_only_and_takes_them_back()
    {
        using var inside = new ManualResetEventSlim();
        using var probed = new ManualResetEventSlim();
        string? otherThread = null;
        var probe = new Thread(() =>
        {
            inside.Wait(TimeSpan.FromSeconds(30));
            otherThread = ThreadIds();
            probed.Set();
        });
        probe.Start();
        var before = ThreadIds();
        File.SetUnixFileMode(_directory, (UnixFileMode)0b111_111_111);

        var during = ThreadIdentity.Run(Stranger, NullLogger.Instance, 0, _ =>
        {
            File.WriteAllText(Path.Combine(_directory, "made.txt"), "x");
            var ids = ThreadIds();
            inside.Set();
            probed.Wait(TimeSpan.FromSeconds(30));
            return ids;
        });

        probe.Join(TimeSpan.FromSeconds(30)).Should().BeTrue();
        during.Should().Be("Uid: 0 0 0 54321 | Gid: 0 0 0 54322 | Groups: 54322 54323");
        otherThread.Should().Be(before, "another thread keeps the process's ids meanwhile");
        ThreadIds().Should().Be(before);
        ThreadIdentity.Current().Should().Be((0u, 0u));
        Owner(Path.Combine(_directory, "made.txt")).Should().Be("54321:54322");
    }

    [RootOnLinuxFact]
    public void Run_takes_the_ids_back_when_the_call_throws_and_the_kernel_refuses_root_s_powers()
    {
        var root = Path.Combine(_directory, "root-only");
        Directory.CreateDirectory(root);
        File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var before = ThreadIds();

        var act = () => ThreadIdentity.Run(Stranger, NullLogger.Instance, root, r => File.Create(Path.Combine(r, "x")));

        act.Should().Throw<UnauthorizedAccessException>();
        ThreadIds().Should().Be(before);
        File.Exists(Path.Combine(root, "x")).Should().BeFalse();
    }

    [Fact]
    public void The_start_up_check_refuses_a_process_that_is_not_root()
    {
        var failures = Validate(new FtpSystemUserOptions { PamService = "ftp-test" }, uid: 1000, pamFiles: ["ftp-test"]);
        failures.Should().ContainSingle().Which.Should().StartWith(
            "UseSystemUsers needs the process to run as root (it runs as uid 1000): each file operation of a system user runs with that user's ids, which only root may take.");
    }

    [Fact]
    public void The_start_up_check_names_a_missing_PAM_service_a_missing_shared_root_and_a_bad_limit()
    {
        var failures = Validate(new FtpSystemUserOptions { PamService = "nothing-here", SharedRoot = Path.Combine(_directory, "missing"), MaxConcurrentAuthentications = 0 }, uid: 0, pamFiles: ["ftp"]);
        failures.Should().HaveCount(3);
        failures[0].Should().StartWith($"FtpSystemUserOptions.PamService: there is no {Path.Combine(_directory, "pam.d", "nothing-here")}, so PAM would use its 'other' service");
        failures[1].Should().StartWith($"FtpSystemUserOptions.SharedRoot '{Path.Combine(_directory, "missing")}' is not an existing directory");
        failures[2].Should().Be("FtpSystemUserOptions.MaxConcurrentAuthentications is 0: give 1 to 64.");
        Validate(new FtpSystemUserOptions { PamService = "../etc" }, uid: 0, pamFiles: []).Should().ContainSingle().Which.Should().Contain("is not a PAM service name");
    }

    [Fact]
    public void The_start_up_check_accepts_root_with_an_existing_service()
        => Validate(new FtpSystemUserOptions(), uid: 0, pamFiles: ["ftp"]).Should().BeEmpty();

    [Fact]
    public async Task Names_that_cannot_be_accounts_are_rejected_without_asking_PAM()
    {
        using var authenticator = new SystemUserAuthenticator(Options.Create(new FtpSystemUserOptions { PamService = "never-asked" }), new SystemAccounts());
        foreach (var name in new[] { "a/b", "-rf", "a:b", "a\0b", new string('a', 257) })
        {
            (await authenticator.AuthenticateAsync(Login(name, "pw"), CancellationToken.None)).Should().BeNull(name);
        }
    }

    [RootOnLinuxFact]
    public void PAM_refuses_through_a_service_that_does_not_exist()
    {
        // PAM then uses its "other" service, which Debian's libpam-runtime makes refuse everyone.
        var result = Pam.Authenticate("ftp-embedded-no-such-service", "root", "wrong", "127.0.0.1");
        result.Succeeded.Should().BeFalse();
    }

    [Fact]
    public async Task The_filesystem_provider_refuses_users_of_other_authenticators_with_530()
    {
        var provider = new SystemUserFileSystemProvider(Options.Create(new FtpSystemUserOptions()), new SystemAccounts());
        var act = async () => await provider.GetFileSystemAsync(new FtpUser("alice", "/", FtpPermissions.All), CancellationToken.None);
        (await act.Should().ThrowAsync<FtpException>()).Which.ReplyCode.Should().Be(FtpReplyCode.NotLoggedIn);
    }

    private List<string> Validate(FtpSystemUserOptions options, uint uid, string[] pamFiles)
    {
        var pam = Path.Combine(_directory, "pam.d");
        Directory.CreateDirectory(pam);
        foreach (var file in pamFiles)
        {
            File.WriteAllText(Path.Combine(pam, file), "auth required pam_unix.so\n");
        }

        var result = new SystemUserOptionsValidator(() => uid, pam).Validate(null, options);
        return result.Failures?.ToList() ?? [];
    }

    private static FtpLoginContext Login(string name, string password)
        => new(name, password, new FtpSessionInfo(1, new IPEndPoint(IPAddress.Loopback, 50000), new IPEndPoint(IPAddress.Loopback, 21)));

    private static string Owner(string path)
    {
        var info = new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%u:%g", path]) { RedirectStandardOutput = true };
        using var stat = System.Diagnostics.Process.Start(info)!;
        var output = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit(TimeSpan.FromSeconds(30)).Should().BeTrue();
        return output.Trim();
    }

    /// <summary>The calling thread's ids and groups, from <c>/proc/thread-self/status</c>.</summary>
    private static string ThreadIds()
        => string.Join(" | ", File.ReadAllLines("/proc/thread-self/status")
            .Where(l => l.StartsWith("Uid:", StringComparison.Ordinal) || l.StartsWith("Gid:", StringComparison.Ordinal) || l.StartsWith("Groups:", StringComparison.Ordinal))
            .Select(l => string.Join(' ', l.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries))));
}

/// <summary>A test that switches ids: needs Linux and root (CI runs the tests as root); skipped elsewhere.</summary>
public sealed class RootOnLinuxFactAttribute : FactAttribute
{
    public RootOnLinuxFactAttribute()
        => Skip = !OperatingSystem.IsLinux() ? "Needs Linux (setfsuid)." : !Environment.IsPrivilegedProcess ? "Needs root to switch file-system ids; CI runs the tests as root." : null;
}
