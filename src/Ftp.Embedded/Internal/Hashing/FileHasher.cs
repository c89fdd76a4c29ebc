using System.Buffers;
using System.Security.Cryptography;
using Ftp.Embedded.Internal.Data;

namespace Ftp.Embedded.Internal.Hashing;

/// <summary>Hashes a stream with one fixed buffer, whatever the file's size, reporting progress so a stall can be detected.</summary>
internal static class FileHasher
{
    public const int BufferSize = 64 * 1024;

    /// <summary>Hashes at most <paramref name="length"/> bytes of <paramref name="source"/> from where it stands (fewer if it ends first).</summary>
    public static async Task<byte[]> ComputeAsync(Stream source, FtpChecksumAlgorithm algorithm, long length, ITransferProgress progress, CancellationToken cancellationToken)
    {
        using var incremental = algorithm == FtpChecksumAlgorithm.Crc32 ? null : IncrementalHash.CreateHash(ToName(algorithm));
        var crc = algorithm == FtpChecksumAlgorithm.Crc32 ? new Crc32() : null;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var remaining = length;
            while (remaining > 0)
            {
                var want = (int)Math.Min(BufferSize, remaining);
                var read = await source.ReadAsync(buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                incremental?.AppendData(buffer, 0, read);
                crc?.Append(buffer.AsSpan(0, read));
                remaining -= read;
                progress.Progress(read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return crc?.GetHash() ?? incremental!.GetHashAndReset();
    }

    /// <summary>The expected length of a hash in bytes, to check what a filesystem's stored hash claims to be.</summary>
    public static int HashLength(FtpChecksumAlgorithm algorithm) => algorithm switch
    {
        FtpChecksumAlgorithm.Sha1 => 20,
        FtpChecksumAlgorithm.Sha256 => 32,
        FtpChecksumAlgorithm.Sha512 => 64,
        FtpChecksumAlgorithm.Md5 => 16,
        _ => 4,
    };

    private static HashAlgorithmName ToName(FtpChecksumAlgorithm algorithm) => algorithm switch
    {
        FtpChecksumAlgorithm.Sha1 => HashAlgorithmName.SHA1,
        FtpChecksumAlgorithm.Sha512 => HashAlgorithmName.SHA512,
        FtpChecksumAlgorithm.Md5 => HashAlgorithmName.MD5,
        _ => HashAlgorithmName.SHA256,
    };
}
