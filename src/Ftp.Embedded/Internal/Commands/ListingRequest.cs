using System.Buffers;
using System.IO.Pipelines;
using Ftp.Embedded.Internal.Data;
using Ftp.Embedded.Internal.FileSystems;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>The line format of a listing over the data connection.</summary>
internal enum ListingFormat
{
    /// <summary>LIST: <c>ls -l</c> lines.</summary>
    List,

    /// <summary>NLST: names only.</summary>
    Names,

    /// <summary>MLSD: RFC 3659 facts.</summary>
    Facts,
}

/// <summary>
/// LIST, NLST, MLSD: <paramref name="Path"/> is a directory whose entries are listed, or a file listed alone. The listing
/// streams as the filesystem yields entries, so memory stays flat for any directory size.
/// </summary>
internal sealed record ListingRequest(string Path, FtpFileInfo Info, ListingFormat Format, MlstFacts Facts, FtpUser User, DateTimeOffset Now)
    : TransferRequest(Path, Binary: false)
{
    internal const int FlushThreshold = 32 * 1024;

    /// <summary>
    /// The data connection's writer has 64 KiB segments: a flush once one is nearly full sends it with one write (a line
    /// is at most about 1.3 KiB, so it never spills into a second segment).
    /// </summary>
    private const int SegmentSize = 64 * 1024;
    private const int DataFlushThreshold = SegmentSize - 4096;

    public override FtpTransferDirection? Direction => null;

    public override string OpeningText => Opening(binary: false, Format switch
    {
        ListingFormat.Facts => "MLSD",
        ListingFormat.Names => "file list",
        _ => "directory listing",
    });

    public override ValueTask<TransferBody> OpenAsync(IFtpFileSystem fileSystem, CancellationToken cancellationToken)
        => ValueTask.FromResult<TransferBody>(new Body(this, fileSystem));

    private void Write(IBufferWriter<byte> writer, FtpFileInfo entry, string directory)
    {
        switch (Format)
        {
            case ListingFormat.List:
                ListingFormatter.WriteListLine(writer, entry, Now);
                break;
            case ListingFormat.Names:
                ListingFormatter.WriteNameLine(writer, entry.Name);
                break;
            default:
                ListingFormatter.WriteFactsLine(writer, entry, directory, entry.Name, Facts, User, entry.Name);
                break;
        }
    }

    private sealed class Body(ListingRequest request, IFtpFileSystem fileSystem) : TransferBody
    {
        public override async ValueTask CopyAsync(DataConnection data, ITransferProgress progress, CancellationToken cancellationToken)
        {
            var writer = PipeWriter.Create(data.Stream, new StreamPipeWriterOptions(minimumBufferSize: SegmentSize, leaveOpen: true));
            try
            {
                if (!request.Info.IsDirectory)
                {
                    request.Write(writer, request.Info, VirtualPath.GetParent(request.Path));
                }
                else
                {
                    await WriteEntriesAsync(writer, progress, cancellationToken).ConfigureAwait(false);
                }

                progress.Progress((int)writer.UnflushedBytes);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await writer.CompleteAsync().ConfigureAwait(false);
            }
        }

        private async ValueTask WriteEntriesAsync(PipeWriter writer, ITransferProgress progress, CancellationToken cancellationToken)
        {
            if (request.Format == ListingFormat.Names && fileSystem is IFtpNameListingFileSystem names)
            {
                await WriteNamesAsync(writer, names, progress, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (await TryWriteFromDiskAsync(writer, progress, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await foreach (var entry in fileSystem.ListAsync(request.Path, cancellationToken).ConfigureAwait(false))
            {
                if (UploadTemporaryName.Matches(entry.Name))
                {
                    // An upload in progress, not a file yet.
                    continue;
                }

                request.Write(writer, entry, request.Path);
                if (writer.UnflushedBytes > DataFlushThreshold)
                {
                    await FlushAsync(writer, progress, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>
        /// LIST or MLSD of a disk directory on Linux, read with getdents64 and statx and formatted from the raw entries;
        /// <see langword="false"/> when the general path must list it (another filesystem, MLSD perm facts that depend
        /// on an upload-only folder, or no such reader here).
        /// </summary>
        private async ValueTask<bool> TryWriteFromDiskAsync(PipeWriter writer, ITransferProgress progress, CancellationToken cancellationToken)
        {
            if (request.Format == ListingFormat.Names || (request.Format == ListingFormat.Facts && request.User.UploadOnlyDirectory is not null)
                || fileSystem is not PhysicalFileSystem physical || physical.OpenBatchReader(request.Path) is not { } reader)
            {
                return false;
            }

            using (reader)
            {
                var lines = new Lines(request);
                while (reader.WriteSome(writer, lines, DataFlushThreshold))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await FlushAsync(writer, progress, cancellationToken).ConfigureAwait(false);
                }
            }

            return true;
        }

        /// <summary>NLST of a directory from names alone: the filesystem describes no entry.</summary>
        private async ValueTask WriteNamesAsync(PipeWriter writer, IFtpNameListingFileSystem names, ITransferProgress progress, CancellationToken cancellationToken)
        {
            await foreach (var name in names.ListNamesAsync(request.Path, cancellationToken).ConfigureAwait(false))
            {
                if (UploadTemporaryName.Matches(name))
                {
                    continue;
                }

                ListingFormatter.WriteNameLine(writer, name);
                if (writer.UnflushedBytes > DataFlushThreshold)
                {
                    await FlushAsync(writer, progress, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private static async ValueTask FlushAsync(PipeWriter writer, ITransferProgress progress, CancellationToken cancellationToken)
        {
            progress.Progress((int)writer.UnflushedBytes);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The lines of a LIST or MLSD, from a described entry or a raw one, with the same bytes.</summary>
    private sealed class Lines(ListingRequest request) : IListingLineWriter
    {
        private readonly ulong _unique = ListingFormatter.UniqueSeed(request.Path);

        public void Write(IBufferWriter<byte> output, FtpFileInfo entry) => request.Write(output, entry, request.Path);

        public void Write(IBufferWriter<byte> output, in RawListingEntry entry)
        {
            if (request.Format == ListingFormat.List)
            {
                ListingFormatter.WriteListLine(output, entry, request.Now);
            }
            else
            {
                ListingFormatter.WriteFactsLine(output, entry, _unique, request.Facts, request.User);
            }
        }
    }
}
