using System.Runtime.Versioning;
using BenchmarkDotNet.Attributes;
using Ftp.Embedded.Internal.SystemUsers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ftp.Embedded.Benchmarks;

/// <summary>
/// What a system user's filesystem call costs beyond the same call as root: the switch of file-system ids and groups
/// there and back, and the check after it. Needs Linux and root.
/// </summary>
[SupportedOSPlatform("linux")]
[MemoryDiagnoser]
public class IdentitySwitchBenchmarks
{
    private static readonly SystemAccount Nobody = new("nobody", 65534, 65534, [65534], "/nonexistent");
    private string _directory = null!;
    private PhysicalFileSystem _disk = null!;
    private SystemUserFileSystem _switched = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("identity-bench-").FullName;
        File.SetUnixFileMode(_directory, (UnixFileMode)0b111_101_101);
        File.WriteAllBytes(Path.Combine(_directory, "file.bin"), new byte[4096]);
        _disk = new PhysicalFileSystem(_directory);
        _switched = ThreadIdentity.Run(Nobody, NullLogger.Instance, _directory, d => new SystemUserFileSystem(Nobody, d, NullLogger.Instance));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    /// <summary>The switch there and back around nothing.</summary>
    [Benchmark]
    public int SwitchOnly() => ThreadIdentity.Run(Nobody, NullLogger.Instance, 1, static x => x);

    [Benchmark(Baseline = true)]
    public async Task<FtpFileInfo?> GetInfoAsRoot() => await _disk.GetInfoAsync("/file.bin", CancellationToken.None);

    [Benchmark]
    public async Task<FtpFileInfo?> GetInfoAsUser() => await _switched.GetInfoAsync("/file.bin", CancellationToken.None);

    [Benchmark]
    public async Task<long> OpenReadAsRoot()
    {
        await using var stream = await _disk.OpenReadAsync("/file.bin", 0, CancellationToken.None);
        return stream.Length;
    }

    [Benchmark]
    public async Task<long> OpenReadAsUser()
    {
        await using var stream = await _switched.OpenReadAsync("/file.bin", 0, CancellationToken.None);
        return stream.Length;
    }
}
