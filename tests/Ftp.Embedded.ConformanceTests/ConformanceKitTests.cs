using System.Runtime.CompilerServices;
using Ftp.Embedded.Testing;
using Xunit.Sdk;

namespace Ftp.Embedded.ConformanceTests;

/// <summary>
/// The kit itself: each check, run against an in-memory provider with one fault injected, fails with a message that
/// names the call and says what the engine expects.
/// </summary>
public sealed class ConformanceKitTests
{
    public enum Fault
    {
        None,
        RootMissing,
        ThrowsForMissing,
        LocalTimesAsUtc,
        DecodesNames,
        LosesLaterPages,
        ListsMissingAsEmpty,
        ReadsDirectories,
        DeletesNonEmptyDirectories,
        RenameKeepsTarget,
        ReadsGarbagePastTheEnd,
        CreateAppends,
        WriteAtAppends,
        CancelledReadThrowsOtherException,
        ReadsLive,
        UndeclaredCapabilities,
        DeclaredCapabilitiesMissing,
        DiscardedUploadsStay,
        UploadChecksLate,
    }

    [Theory]
    [InlineData(Fault.RootMissing, nameof(FtpFileSystemConformanceTests.Root_is_a_directory), "GetInfoAsync(\"/\") must describe the user's root directory, not return null")]
    [InlineData(Fault.ThrowsForMissing, nameof(FtpFileSystemConformanceTests.Missing_entries_are_null), "GetInfoAsync(\"/missing\") must return null for a path that does not exist, not throw: it threw FileNotFoundException")]
    [InlineData(Fault.LocalTimesAsUtc, nameof(FtpFileSystemConformanceTests.Entries_are_described_after_a_write), "must be within a minute of now")]
    [InlineData(Fault.DecodesNames, nameof(FtpFileSystemConformanceTests.Unusual_names_are_kept_exactly), "ListAsync(\"/\") must list exactly [\"100% a%20b.txt\"]")]
    [InlineData(Fault.LosesLaterPages, nameof(FtpFileSystemConformanceTests.A_directory_of_10000_entries_lists_each_exactly_once), "ListAsync(\"/many\") listed 1000 of the 10000 entries created")]
    [InlineData(Fault.ListsMissingAsEmpty, nameof(FtpFileSystemConformanceTests.Listing_a_missing_directory_throws_DirectoryNotFoundException), "ListAsync(\"/missing\") must throw DirectoryNotFoundException (the directory does not exist), but it returned normally")]
    [InlineData(Fault.ReadsDirectories, nameof(FtpFileSystemConformanceTests.Reading_a_directory_is_refused), "OpenReadAsync(\"/d\", 0) of a directory must throw")]
    [InlineData(Fault.DeletesNonEmptyDirectories, nameof(FtpFileSystemConformanceTests.Deleting_a_non_empty_directory_throws_IOException), "must throw IOException (RMD removes empty directories only")]
    [InlineData(Fault.RenameKeepsTarget, nameof(FtpFileSystemConformanceTests.Renaming_onto_an_existing_file_replaces_it), "RenameAsync(\"/a\", \"/b\") onto an existing file (it must replace it) must succeed here, but it threw IOException")]
    [InlineData(Fault.ReadsGarbagePastTheEnd, nameof(FtpFileSystemConformanceTests.Reads_start_at_the_offset), "past its end, must return nothing")]
    [InlineData(Fault.CreateAppends, nameof(FtpFileSystemConformanceTests.Create_truncates_an_existing_file), "must describe a file of 2 bytes after writing \"0123456789\" and then \"ab\" with FtpWriteMode.Create, but it returned a file of 12 bytes")]
    [InlineData(Fault.WriteAtAppends, nameof(FtpFileSystemConformanceTests.WriteAt_keeps_the_bytes_before_the_offset_and_drops_the_rest), "must describe a file of 6 bytes after writing \"XY\" at offset 4")]
    [InlineData(Fault.CancelledReadThrowsOtherException, nameof(FtpFileSystemConformanceTests.Cancelled_reads_end_promptly), "must throw OperationCanceledException or complete, but it threw InvalidOperationException")]
    [InlineData(Fault.ReadsLive, nameof(FtpFileSystemConformanceTests.A_reader_keeps_the_content_it_opened_while_the_file_is_replaced), "A reader opened before \"/r.bin\" was replaced must read the content it opened to its end")]
    [InlineData(Fault.UndeclaredCapabilities, nameof(FtpFileSystemConformanceTests.ModificationTime_is_declared_exactly_when_implemented), "implements IFtpModificationTimeFileSystem, but FaultyProvider.Capabilities does not declare FtpFileSystemCapabilities.ModificationTime")]
    [InlineData(Fault.DeclaredCapabilitiesMissing, nameof(FtpFileSystemConformanceTests.AtomicUploads_is_declared_exactly_when_implemented), "FaultyProvider.Capabilities declares AtomicUploads, but the filesystem it returned (FaultyFileSystem) does not implement IFtpAtomicUploadFileSystem")]
    [InlineData(Fault.DiscardedUploadsStay, nameof(FtpFileSystemConformanceTests.A_discarded_upload_leaves_the_previous_file_and_no_entry), "while an upload to it is in progress (the previous file stays until the commit)")]
    [InlineData(Fault.UploadChecksLate, nameof(FtpFileSystemConformanceTests.An_upload_that_cannot_succeed_is_refused_before_any_byte), "BeginUploadAsync(\"/missing/f\") into a missing directory must throw")]
    public async Task Each_check_fails_for_its_fault_with_a_message_that_says_what_is_expected(Fault fault, string check, string message)
    {
        await Run(Fault.None, check).Should().NotThrowAsync("without a fault the in-memory provider passes every check");
        (await Run(fault, check).Should().ThrowAsync<XunitException>()).Which.Message.Should().Contain(message);
    }

    private static Func<Task> Run(Fault fault, string check) => () =>
    {
        var method = typeof(FtpFileSystemConformanceTests).GetMethod(check)!;
        object[] arguments = method.GetParameters().Length == 1 ? ["100% a%20b.txt"] : [];
        return (Task)method.Invoke(new Kit(fault), arguments)!;
    };

    private sealed class Kit(Fault fault) : FtpFileSystemConformanceTests
    {
        protected override ValueTask<IFtpFileSystemProvider> CreateProviderAsync(CancellationToken cancellationToken)
            => ValueTask.FromResult<IFtpFileSystemProvider>(new FaultyProvider(fault));
    }

    private sealed class FaultyProvider(Fault fault) : IFtpFileSystemProvider
    {
        public FtpFileSystemCapabilities Capabilities => fault == Fault.UndeclaredCapabilities
            ? FtpFileSystemCapabilities.AtomicUploads
            : FtpFileSystemCapabilities.ModificationTime | FtpFileSystemCapabilities.AtomicUploads;

        public ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken)
            => ValueTask.FromResult<IFtpFileSystem>(fault == Fault.DeclaredCapabilitiesMissing
                ? new FaultyFileSystem(new InMemoryFileSystem(), fault)
                : new FullFaultyFileSystem(new InMemoryFileSystem(), fault));
    }

    private sealed class FullFaultyFileSystem(InMemoryFileSystem inner, Fault fault)
        : FaultyFileSystem(inner, fault), IFtpModificationTimeFileSystem, IFtpAtomicUploadFileSystem
    {
        public ValueTask SetLastWriteTimeAsync(string path, DateTimeOffset lastWriteTime, CancellationToken cancellationToken)
            => Inner.SetLastWriteTimeAsync(path, lastWriteTime, cancellationToken);

        public async ValueTask<IFtpUpload> BeginUploadAsync(string path, CancellationToken cancellationToken) => Fault switch
        {
            Fault.DiscardedUploadsStay => new DirectUpload(await Inner.OpenWriteAsync(path, FtpWriteMode.Create, 0, cancellationToken)),
            Fault.UploadChecksLate => new DirectUpload(new MemoryStream()),
            _ => await Inner.BeginUploadAsync(path, cancellationToken),
        };

        private sealed class DirectUpload(Stream stream) : IFtpUpload
        {
            public Stream Stream => stream;

            public ValueTask CommitAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

            public ValueTask DisposeAsync() => stream.DisposeAsync();
        }
    }

    private class FaultyFileSystem(InMemoryFileSystem inner, Fault fault) : IFtpFileSystem
    {
        protected InMemoryFileSystem Inner => inner;

        protected Fault Fault => fault;

        public async ValueTask<FtpFileInfo?> GetInfoAsync(string path, CancellationToken cancellationToken)
        {
            var info = fault == Fault.RootMissing && path == "/" ? null : await inner.GetInfoAsync(path, cancellationToken);
            return fault switch
            {
                Fault.ThrowsForMissing when info is null => throw new FileNotFoundException($"No file {path}."),
                // A local time (UTC+2) stored as if it were UTC.
                Fault.LocalTimesAsUtc when info is not null => info with { LastWriteTime = info.LastWriteTime.UtcDateTime.AddHours(2) },
                _ => info,
            };
        }

        public async IAsyncEnumerable<FtpFileInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (fault == Fault.ListsMissingAsEmpty && await inner.GetInfoAsync(path, cancellationToken) is null)
            {
                yield break;
            }

            var count = 0;
            await foreach (var entry in inner.ListAsync(path, cancellationToken))
            {
                if (fault == Fault.LosesLaterPages && ++count > 1000)
                {
                    yield break;
                }

                yield return fault == Fault.DecodesNames ? entry with { Name = Uri.UnescapeDataString(entry.Name) } : entry;
            }
        }

        public async ValueTask<Stream> OpenReadAsync(string path, long offset, CancellationToken cancellationToken)
        {
            var info = await inner.GetInfoAsync(path, cancellationToken);
            return fault switch
            {
                Fault.ReadsDirectories when info is { IsDirectory: true } => new MemoryStream(),
                Fault.ReadsGarbagePastTheEnd when info is not null && offset > info.Length => new MemoryStream(new byte[10]),
                Fault.CancelledReadThrowsOtherException => new CancellationRefusingStream(await inner.OpenReadAsync(path, offset, CancellationToken.None)),
                Fault.ReadsLive => new LiveStream(inner, path, offset),
                _ => await inner.OpenReadAsync(path, offset, cancellationToken),
            };
        }

        public ValueTask<Stream> OpenWriteAsync(string path, FtpWriteMode mode, long offset, CancellationToken cancellationToken) => fault switch
        {
            Fault.CreateAppends when mode == FtpWriteMode.Create => inner.OpenWriteAsync(path, FtpWriteMode.Append, 0, cancellationToken),
            Fault.WriteAtAppends when mode == FtpWriteMode.WriteAt => inner.OpenWriteAsync(path, FtpWriteMode.Append, 0, cancellationToken),
            _ => inner.OpenWriteAsync(path, mode, offset, cancellationToken),
        };

        public ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken) => inner.CreateDirectoryAsync(path, cancellationToken);

        public ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken) => inner.DeleteFileAsync(path, cancellationToken);

        public async ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken)
        {
            if (fault == Fault.DeletesNonEmptyDirectories)
            {
                await foreach (var entry in inner.ListAsync(path, cancellationToken))
                {
                    var child = path + "/" + entry.Name;
                    await (entry.IsDirectory ? DeleteDirectoryAsync(child, cancellationToken) : inner.DeleteFileAsync(child, cancellationToken));
                }
            }

            await inner.DeleteDirectoryAsync(path, cancellationToken);
        }

        public async ValueTask RenameAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
        {
            if (fault == Fault.RenameKeepsTarget && await inner.GetInfoAsync(destinationPath, cancellationToken) is not null)
            {
                throw new IOException($"{destinationPath} exists.");
            }

            await inner.RenameAsync(sourcePath, destinationPath, cancellationToken);
        }
    }

    /// <summary>Throws the wrong exception for a cancelled token.</summary>
    private sealed class CancellationRefusingStream(Stream inner) : DelegatingReadStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => cancellationToken.IsCancellationRequested ? throw new InvalidOperationException("Cancelled.") : await inner.ReadAsync(buffer, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>Reads by path at each call, so it reads whatever the file is now: a replaced file reads as a mix.</summary>
    private sealed class LiveStream(IFtpFileSystem inner, string path, long position) : DelegatingReadStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await using var stream = await inner.OpenReadAsync(path, position, cancellationToken);
            var read = await stream.ReadAsync(buffer, cancellationToken);
            position += read;
            return read;
        }
    }

    private abstract class DelegatingReadStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
