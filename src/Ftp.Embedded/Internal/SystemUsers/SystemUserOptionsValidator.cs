using System.Runtime.Versioning;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Internal.SystemUsers;

/// <summary>
/// Checks at start that system users can work here: Linux, root, an architecture whose <c>setgroups</c> call is known,
/// libpam, an existing PAM service, a shared root that exists.
/// </summary>
internal sealed class SystemUserOptionsValidator : IValidateOptions<FtpSystemUserOptions>
{
    private readonly Func<uint> _effectiveUserId;
    private readonly string _pamDirectory;

    public SystemUserOptionsValidator()
        : this(() => OperatingSystem.IsLinux() ? ThreadIdentity.EffectiveUserId : uint.MaxValue, "/etc/pam.d")
    {
    }

    /// <summary>For tests: the effective uid the process seems to run as, and where PAM service files are.</summary>
    internal SystemUserOptionsValidator(Func<uint> effectiveUserId, string pamDirectory)
    {
        _effectiveUserId = effectiveUserId;
        _pamDirectory = pamDirectory;
    }

    public ValidateOptionsResult Validate(string? name, FtpSystemUserOptions options)
    {
        if (!OperatingSystem.IsLinux())
        {
            return ValidateOptionsResult.Fail("UseSystemUsers works on Linux only (it uses PAM and per-thread setfsuid); use AddLocalUsers on this system.");
        }

        var failures = ValidateOnLinux(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [SupportedOSPlatform("linux")]
    private List<string> ValidateOnLinux(FtpSystemUserOptions options)
    {
        var failures = new List<string>();
        var uid = _effectiveUserId();
        if (uid != 0)
        {
            failures.Add($"UseSystemUsers needs the process to run as root (it runs as uid {uid}): each file operation of a system user runs with that user's ids, which only root may take. Run the server as root, or use AddLocalUsers.");
        }

        if (!ThreadIdentity.IsSupported)
        {
            failures.Add($"UseSystemUsers does not support the {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture} architecture (x64, arm64, riscv64 and loongarch64 are supported).");
        }

        if (!Pam.IsAvailable())
        {
            failures.Add("UseSystemUsers needs libpam.so.0, which cannot be loaded: install it (Debian and Ubuntu: apt-get install libpam0g).");
        }

        if (string.IsNullOrWhiteSpace(options.PamService) || options.PamService.IndexOfAny(['/', '\0']) >= 0 || options.PamService is "." or "..")
        {
            failures.Add($"FtpSystemUserOptions.PamService '{options.PamService}' is not a PAM service name: give the name of a file in {_pamDirectory}, such as 'ftp'.");
        }
        else if (Directory.Exists(_pamDirectory) && !File.Exists(Path.Join(_pamDirectory, options.PamService)))
        {
            failures.Add($"FtpSystemUserOptions.PamService: there is no {Path.Join(_pamDirectory, options.PamService)}, so PAM would use its 'other' service (which usually refuses everyone). Create it (for example the two lines 'auth required pam_unix.so' and 'account required pam_unix.so') or set PamService to an existing service.");
        }

        if (options.SharedRoot is { } root && !Directory.Exists(root))
        {
            failures.Add($"FtpSystemUserOptions.SharedRoot '{root}' is not an existing directory: create it or leave SharedRoot unset to jail each user in its home directory.");
        }

        if (options.MaxConcurrentAuthentications is < 1 or > 64)
        {
            failures.Add($"FtpSystemUserOptions.MaxConcurrentAuthentications is {options.MaxConcurrentAuthentications}: give 1 to 64.");
        }

        return failures;
    }
}
