using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.Internal.SystemUsers;

/// <summary>
/// Runs synchronous filesystem calls with a user's file-system ids on the calling thread only, as Samba and NFS-Ganesha
/// do: <c>setfsuid</c> and <c>setfsgid</c> change the calling thread's ids (the kernel checks file access with them), and
/// the raw <c>setgroups</c> system call changes its supplementary groups (glibc's <c>setgroups</c> would change every
/// thread of the process). The process stays root; the thread is switched back in a <c>finally</c> before it returns,
/// and checked: a thread that kept a user's ids would do other sessions' work with them.
/// </summary>
/// <remarks>
/// The action must be synchronous: no <c>await</c>, no waiting on other threads, no logging, nothing that queues work
/// or starts a thread (a new thread inherits the ids of the thread that creates it).
/// </remarks>
[SupportedOSPlatform("linux")]
internal static unsafe partial class ThreadIdentity
{
    private static readonly nint SetGroupsCall = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 116, // __NR_setgroups on x86-64
        Architecture.Arm64 => 159, // __NR_setgroups in the generic table (arm64, riscv64, loongarch64)
        Architecture.RiscV64 or Architecture.LoongArch64 => 159,
        _ => -1,
    };

    private static readonly Lazy<ProcessIdentity> Process = new(ProcessIdentity.Read);

    /// <summary>Whether the raw <c>setgroups</c> call is known for this architecture.</summary>
    public static bool IsSupported => SetGroupsCall > 0;

    /// <summary>The effective user id of the process.</summary>
    public static uint EffectiveUserId => GetEffectiveUserId();

    /// <summary>
    /// Runs <paramref name="action"/> with <paramref name="account"/>'s file-system ids and groups, then switches the thread
    /// back. Throws <see cref="UnauthorizedAccessException"/> when the ids cannot be taken and
    /// <see cref="InvalidOperationException"/> when the thread cannot be switched back.
    /// </summary>
    public static TResult Run<TState, TResult>(SystemAccount account, ILogger logger, TState state, Func<TState, TResult> action)
    {
        var process = Process.Value;
        Enter(account, process, logger);
        try
        {
            return action(state);
        }
        finally
        {
            Leave(account, process, logger);
        }
    }

    /// <summary>The calling thread's file-system user and group ids (an invalid id changes nothing and returns the current one).</summary>
    public static (uint UserId, uint GroupId) Current()
        => ((uint)SetFileSystemUserId(uint.MaxValue), (uint)SetFileSystemGroupId(uint.MaxValue));

    private static void Enter(SystemAccount account, ProcessIdentity process, ILogger logger)
    {
        var groupsSet = SetGroups(account.Groups) == 0;
        _ = SetFileSystemGroupId(account.GroupId);
        _ = SetFileSystemUserId(account.UserId);
        if (groupsSet && Current() == (account.UserId, account.GroupId))
        {
            return;
        }

        Leave(account, process, logger);
        FtpLog.IdentityNotTaken(logger, account.Name, account.UserId, account.GroupId);
        throw new UnauthorizedAccessException($"The file-system ids of '{account.Name}' could not be taken.");
    }

    private static void Leave(SystemAccount account, ProcessIdentity process, ILogger logger)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            _ = SetFileSystemUserId(process.UserId);
            _ = SetFileSystemGroupId(process.GroupId);
            var groupsSet = SetGroups(process.Groups) == 0;
            if (groupsSet && Current() == (process.UserId, process.GroupId))
            {
                return;
            }
        }

        var (userId, groupId) = Current();
        FtpLog.IdentityNotRestored(logger, account.Name, userId, groupId);
        throw new InvalidOperationException(
            $"A thread could not be switched back from the file-system ids of '{account.Name}' (fsuid {userId}, fsgid {groupId}); the operation is refused.");
    }

    private static int SetGroups(uint[] groups)
    {
        fixed (uint* list = groups)
        {
            return (int)Syscall(SetGroupsCall, groups.Length, list);
        }
    }

    /// <summary>The ids and groups the process runs with, which every thread gets back after a switch.</summary>
    private sealed record ProcessIdentity(uint UserId, uint GroupId, uint[] Groups)
    {
        public static ProcessIdentity Read()
        {
            var count = GetGroups(0, null);
            var groups = new uint[Math.Max(count, 0)];
            fixed (uint* list = groups)
            {
                count = GetGroups(groups.Length, list);
            }

            if (count < 0)
            {
                throw new InvalidOperationException("getgroups failed.");
            }

            return new ProcessIdentity(GetEffectiveUserId(), GetEffectiveGroupId(), groups.AsSpan(0, count).ToArray());
        }
    }

    [LibraryImport("libc", EntryPoint = "setfsuid")]
    private static partial int SetFileSystemUserId(uint userId);

    [LibraryImport("libc", EntryPoint = "setfsgid")]
    private static partial int SetFileSystemGroupId(uint groupId);

    [LibraryImport("libc", EntryPoint = "syscall")]
    private static partial nint Syscall(nint number, nint count, uint* groups);

    [LibraryImport("libc", EntryPoint = "getgroups")]
    private static partial int GetGroups(int size, uint* list);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "getegid")]
    private static partial uint GetEffectiveGroupId();
}
