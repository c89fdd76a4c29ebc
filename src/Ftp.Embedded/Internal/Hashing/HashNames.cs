namespace Ftp.Embedded.Internal.Hashing;

/// <summary>The names of the hash algorithms as HASH, OPTS HASH and FEAT spell them (draft-bryan-ftpext-hash-02).</summary>
internal static class HashNames
{
    /// <summary>In the order FEAT lists them.</summary>
    public static readonly FtpChecksumAlgorithm[] All = [FtpChecksumAlgorithm.Sha1, FtpChecksumAlgorithm.Sha256, FtpChecksumAlgorithm.Sha512, FtpChecksumAlgorithm.Md5, FtpChecksumAlgorithm.Crc32];

    public static string Name(FtpChecksumAlgorithm algorithm) => algorithm switch
    {
        FtpChecksumAlgorithm.Sha1 => "SHA-1",
        FtpChecksumAlgorithm.Sha256 => "SHA-256",
        FtpChecksumAlgorithm.Sha512 => "SHA-512",
        FtpChecksumAlgorithm.Md5 => "MD5",
        FtpChecksumAlgorithm.Crc32 => "CRC32",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>Parses a name, case-insensitively (<c>sha-256</c> and <c>SHA256</c> too, as some clients send it).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out FtpChecksumAlgorithm algorithm)
    {
        foreach (var candidate in All)
        {
            var name = Name(candidate);
            if (text.Equals(name, StringComparison.OrdinalIgnoreCase) || text.Equals(name.Replace("-", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase))
            {
                algorithm = candidate;
                return true;
            }
        }

        algorithm = default;
        return false;
    }

    /// <summary>FEAT's <c>HASH SHA-1;SHA-256*;SHA-512;MD5;CRC32</c>: every algorithm, the selected one starred.</summary>
    public static string Feature(FtpChecksumAlgorithm selected)
        => "HASH " + string.Join(';', All.Select(a => a == selected ? Name(a) + "*" : Name(a)));
}
