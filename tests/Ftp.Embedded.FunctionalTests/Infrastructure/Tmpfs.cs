using System.Diagnostics;

namespace Ftp.Embedded.FunctionalTests.Infrastructure;

/// <summary>
/// A small tmpfs mounted for one test, so that a full disk is real. Mounting needs root (CI runs the tests as root);
/// without root the test is skipped, and a mount that fails as root fails the test.
/// </summary>
public sealed class Tmpfs : IAsyncDisposable
{
    private Tmpfs(string path) => Path = path;

    /// <summary>Why tests that need a tmpfs cannot run here, or <see langword="null"/> when they can.</summary>
    public static string? SkipReason { get; } =
        !OperatingSystem.IsLinux() ? "Needs Linux to mount a tmpfs."
        : !Environment.IsPrivilegedProcess ? "Needs root to mount a tmpfs (mount -t tmpfs); CI runs the functional tests as root."
        : null;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Free bytes on the tmpfs, as <c>df</c> reports them (statvfs).</summary>
    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/> bytes on a new directory under the temp directory.</summary>
    public static async Task<Tmpfs> MountAsync(long bytes)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ftp-tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var (code, output) = await RunAsync("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", path);
        if (code != 0)
        {
            Directory.Delete(path);
            throw new InvalidOperationException($"mount -t tmpfs -o size={bytes} tmpfs {path} failed ({code}): {output}");
        }

        return new Tmpfs(path);
    }

    public async ValueTask DisposeAsync()
    {
        var (code, output) = await RunAsync("umount", Path);
        if (code != 0)
        {
            throw new InvalidOperationException($"umount {Path} failed ({code}): {output}");
        }

        Directory.Delete(Path);
    }

    private static async Task<(int Code, string Output)> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await output + await error).Trim());
    }
}

/// <summary>A test that needs a tmpfs of its own: skipped, with the reason, where one cannot be mounted.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute() => Skip = Tmpfs.SkipReason;
}
