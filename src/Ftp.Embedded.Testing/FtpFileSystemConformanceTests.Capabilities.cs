using Xunit;

namespace Ftp.Embedded.Testing;

public abstract partial class FtpFileSystemConformanceTests
{
    private static readonly string[] SpacePaths = ["/", "/d", "/d/f"];
    private static readonly int[] Modes = [0b110_100_000, 0b111_101_101];

    /// <summary>
    /// <see cref="FtpFileSystemCapabilities.ModificationTime"/> is declared exactly when the filesystem implements
    /// <see cref="IFtpModificationTimeFileSystem"/>: FEAT lists MFMT from the declaration, MFMT calls the interface.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task ModificationTime_is_declared_exactly_when_implemented() => RunAsync((fs, ct) =>
        Declared(fs, FtpFileSystemCapabilities.ModificationTime, fs is IFtpModificationTimeFileSystem, nameof(IFtpModificationTimeFileSystem),
            "FEAT would offer MFMT and MFMT would answer 502", "FEAT, which clients read before they log in, would not offer MFMT"));

    /// <summary>
    /// <see cref="FtpFileSystemCapabilities.AvailableSpace"/> is declared exactly when the filesystem implements
    /// <see cref="IFtpAvailableSpaceFileSystem"/>: FEAT lists AVBL from the declaration, AVBL calls the interface.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task AvailableSpace_is_declared_exactly_when_implemented() => RunAsync((fs, ct) =>
        Declared(fs, FtpFileSystemCapabilities.AvailableSpace, fs is IFtpAvailableSpaceFileSystem, nameof(IFtpAvailableSpaceFileSystem),
            "FEAT would offer AVBL and AVBL would answer 550 without a quota", "FEAT, which clients read before they log in, would not offer AVBL"));

    /// <summary>
    /// <see cref="FtpFileSystemCapabilities.AtomicUploads"/> is declared exactly when the filesystem implements
    /// <see cref="IFtpAtomicUploadFileSystem"/>, which STOR then uses instead of a temporary file.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task AtomicUploads_is_declared_exactly_when_implemented() => RunAsync((fs, ct) =>
        Declared(fs, FtpFileSystemCapabilities.AtomicUploads, fs is IFtpAtomicUploadFileSystem, nameof(IFtpAtomicUploadFileSystem),
            "STOR would fall back to a temporary file and a rename", "the provider would not say that its uploads replace files only when complete"));

    /// <summary>
    /// <see cref="FtpFileSystemCapabilities.UnixMode"/> is declared exactly when the filesystem implements
    /// <see cref="IFtpUnixModeFileSystem"/>: SITE HELP lists CHMOD from the declaration, SITE CHMOD calls the interface.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task UnixMode_is_declared_exactly_when_implemented() => RunAsync((fs, ct) =>
        Declared(fs, FtpFileSystemCapabilities.UnixMode, fs is IFtpUnixModeFileSystem, nameof(IFtpUnixModeFileSystem),
            "SITE HELP would offer CHMOD and SITE CHMOD would answer 502", "SITE HELP would not offer CHMOD"));

    /// <summary>
    /// <see cref="FtpFileSystemCapabilities.StoredHashes"/> is declared exactly when the filesystem implements
    /// <see cref="IFtpStoredHashFileSystem"/>, which HASH and XCRC/XMD5/XSHA* ask before they read a whole file.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task StoredHashes_is_declared_exactly_when_implemented() => RunAsync((fs, ct) =>
        Declared(fs, FtpFileSystemCapabilities.StoredHashes, fs is IFtpStoredHashFileSystem, nameof(IFtpStoredHashFileSystem),
            "HASH would read every file although the provider says it keeps hashes", "the provider would not say that it keeps hashes"));

    /// <summary>
    /// With <see cref="IFtpUnixModeFileSystem"/>: a mode set with <c>SetUnixModeAsync</c> (SITE CHMOD) is what
    /// <c>GetInfoAsync</c> reports afterwards, when it reports a mode at all.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Unix_modes_round_trip() => RunAsync(async (fs, ct) =>
    {
        if (fs is not IFtpUnixModeFileSystem setter)
        {
            return;
        }

        await Check.WriteAsync(fs, "/m.txt", "m", ct);
        foreach (var mode in Modes)
        {
            var call = $"SetUnixModeAsync(\"/m.txt\", {Convert.ToString(mode, 8)})";
            await Check.Step(call, () => setter.SetUnixModeAsync("/m.txt", mode, ct).AsTask());
            var info = await Check.InfoAsync(fs, "/m.txt", ct) ?? throw Check.Failure($"GetInfoAsync(\"/m.txt\") returned null after {call}.");
            if (info.UnixMode is { } reported && (reported & 0b111_111_111) != mode)
            {
                throw Check.Failure($"GetInfoAsync(\"/m.txt\").UnixMode is {Convert.ToString(reported, 8)} after {call}.");
            }
        }
    });

    /// <summary>
    /// With <see cref="IFtpModificationTimeFileSystem"/>: a time set with <c>SetLastWriteTimeAsync</c> (MFMT) is what
    /// <c>GetInfoAsync</c> and <c>ListAsync</c> report afterwards, to the second, whatever offset it was given in.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Modification_times_round_trip() => RunAsync(async (fs, ct) =>
    {
        if (fs is not IFtpModificationTimeFileSystem setter)
        {
            return;
        }

        await Check.WriteAsync(fs, "/t.txt", "t", ct);
        DateTimeOffset[] times = [new(2020, 1, 2, 3, 4, 5, TimeSpan.Zero), new(2021, 6, 7, 8, 9, 10, TimeSpan.FromHours(2)), new(1999, 12, 31, 23, 59, 59, TimeSpan.FromHours(-5))];
        foreach (var time in times)
        {
            var call = $"SetLastWriteTimeAsync(\"/t.txt\", {time:yyyy-MM-dd HH:mm:ss zzz})";
            await Check.Step(call, () => setter.SetLastWriteTimeAsync("/t.txt", time, ct).AsTask());
            var info = await Check.InfoAsync(fs, "/t.txt", ct) ?? throw Check.Failure($"GetInfoAsync(\"/t.txt\") returned null after {call}.");
            SameSecond(time, info.LastWriteTime, $"GetInfoAsync(\"/t.txt\").LastWriteTime after {call}");
            var entry = (await Check.ListAsync(fs, "/", ct)).SingleOrDefault(e => e.Name == "t.txt") ?? throw Check.Failure("ListAsync(\"/\") must list \"t.txt\".");
            SameSecond(time, entry.LastWriteTime, $"The LastWriteTime of \"t.txt\" in ListAsync(\"/\") after {call}");
        }
    });

    /// <summary>With <see cref="IFtpAvailableSpaceFileSystem"/>: the free space of a directory or a file is null (unknown) or 0 and more.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Available_space_is_null_or_not_negative() => RunAsync(async (fs, ct) =>
    {
        if (fs is not IFtpAvailableSpaceFileSystem space)
        {
            return;
        }

        await Check.Step("CreateDirectoryAsync(\"/d\")", () => fs.CreateDirectoryAsync("/d", ct).AsTask());
        await Check.WriteAsync(fs, "/d/f", "f", ct);
        foreach (var path in SpacePaths)
        {
            var free = await Check.Step($"GetAvailableSpaceAsync({Check.Q(path)})", () => space.GetAvailableSpaceAsync(path, ct).AsTask());
            if (free < 0)
            {
                throw Check.Failure($"GetAvailableSpaceAsync({Check.Q(path)}) returned {free}: return the free bytes (0 or more), or null when unknown.");
            }
        }
    });

    /// <summary>
    /// With <see cref="IFtpAtomicUploadFileSystem"/>: an upload disposed without a commit (an aborted or broken STOR)
    /// leaves the previous file as it was, during the upload and after it, and leaves no entry behind; nor does one to a
    /// new name.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task A_discarded_upload_leaves_the_previous_file_and_no_entry() => RunAsync(async (fs, ct) =>
    {
        if (fs is not IFtpAtomicUploadFileSystem atomic)
        {
            return;
        }

        var previous = Check.Pattern(50_000, 30);
        await Check.WriteAsync(fs, "/f.bin", previous, ct);
        await UploadAsync(atomic, "/f.bin", Check.Pattern(120_000, 31), commit: false, ct,
            () => ExpectFileAsync(fs, "/f.bin", previous, "while an upload to it is in progress (the previous file stays until the commit)", ct));
        await ExpectFileAsync(fs, "/f.bin", previous, "after an upload to it was disposed without CommitAsync", ct);
        await UploadAsync(atomic, "/new.bin", Check.Pattern(1000, 32), commit: false, ct);
        await ExpectMissingAsync(fs, "/new.bin", "after an upload to it was disposed without CommitAsync", ct);
        await ExpectListingAsync(fs, "/", ["f.bin"], "after two uploads were disposed without CommitAsync (nothing of them may stay visible)", ct);
    });

    /// <summary>With <see cref="IFtpAtomicUploadFileSystem"/>: a committed upload replaces the previous file, or creates a new one.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task A_committed_upload_replaces_the_file() => RunAsync(async (fs, ct) =>
    {
        if (fs is not IFtpAtomicUploadFileSystem atomic)
        {
            return;
        }

        await Check.WriteAsync(fs, "/f.bin", Check.Pattern(50_000, 33), ct);
        var replacement = Check.Pattern(120_000, 34);
        await UploadAsync(atomic, "/f.bin", replacement, commit: true, ct);
        await ExpectFileAsync(fs, "/f.bin", replacement, "after a committed upload replaced it", ct);
        var info = await Check.InfoAsync(fs, "/f.bin", ct);
        Check.Recent(info!.LastWriteTime, "The LastWriteTime of \"/f.bin\" after a committed upload");
        var created = Check.Pattern(10, 35);
        await UploadAsync(atomic, "/new.bin", created, commit: true, ct);
        await ExpectFileAsync(fs, "/new.bin", created, "after a committed upload created it", ct);
        await ExpectListingAsync(fs, "/", ["f.bin", "new.bin"], "after two committed uploads", ct);
    });

    /// <summary>
    /// With <see cref="IFtpAtomicUploadFileSystem"/>: <c>BeginUploadAsync</c> into a missing directory, or onto a
    /// directory, throws at once, before any byte is sent, and creates nothing.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task An_upload_that_cannot_succeed_is_refused_before_any_byte() => RunAsync(async (fs, ct) =>
    {
        if (fs is not IFtpAtomicUploadFileSystem atomic)
        {
            return;
        }

        await Check.Step("CreateDirectoryAsync(\"/d\")", () => fs.CreateDirectoryAsync("/d", ct).AsTask());
        const string Why = "the engine replies 550 before it opens the data connection; a refusal at CommitAsync would come after the client sent everything";
        await Check.RefusedAsync("BeginUploadAsync(\"/missing/f\") into a missing directory", Why + "; DirectoryNotFoundException is best",
            async () => await (await atomic.BeginUploadAsync("/missing/f", ct)).DisposeAsync());
        await Check.RefusedAsync("BeginUploadAsync(\"/d\") onto a directory", Why + "; IOException is best",
            async () => await (await atomic.BeginUploadAsync("/d", ct)).DisposeAsync());
        await ExpectDirectoryAsync(fs, "/d", "after a refused upload onto it", ct);
        await ExpectListingAsync(fs, "/", ["d"], "after the refused uploads", ct);
        await ExpectListingAsync(fs, "/d", [], "after the refused uploads", ct);
    });

    private Task Declared(IFtpFileSystem fs, FtpFileSystemCapabilities capability, bool implemented, string contract, string ifOnlyDeclared, string ifOnlyImplemented)
    {
        var declared = (Provider.Capabilities & capability) == capability;
        if (declared && !implemented)
        {
            throw Check.Failure($"{Provider.GetType().Name}.Capabilities declares {capability}, but the filesystem it returned ({fs.GetType().Name}) does not implement {contract}: {ifOnlyDeclared}. Implement {contract} or leave the flag out.");
        }

        if (implemented && !declared)
        {
            throw Check.Failure($"{fs.GetType().Name} implements {contract}, but {Provider.GetType().Name}.Capabilities does not declare FtpFileSystemCapabilities.{capability}: {ifOnlyImplemented}. Add the flag to Capabilities.");
        }

        return Task.CompletedTask;
    }

    private static void SameSecond(DateTimeOffset expected, DateTimeOffset actual, string what)
    {
        var want = expected.UtcDateTime.AddTicks(-(expected.UtcDateTime.Ticks % TimeSpan.TicksPerSecond));
        var got = actual.UtcDateTime.AddTicks(-(actual.UtcDateTime.Ticks % TimeSpan.TicksPerSecond));
        if (want != got)
        {
            throw Check.Failure($"{what} must be {want:u} (the same instant, to the second), but it is {actual:yyyy-MM-dd HH:mm:ss zzz} ({got:u}).");
        }
    }
}
