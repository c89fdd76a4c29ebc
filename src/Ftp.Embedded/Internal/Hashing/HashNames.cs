namespace Ftp.Embedded.Internal.Hashing;

/// <summary>The names of the hash algorithms as HASH, OPTS HASH and FEAT spell them (draft-bryan-ftpext-hash-02).</summary>
internal static class HashNames
{
    /// <summary>In the order FEAT lists them.</summary>
    public static readonly FtpHashAlgorithm[] All = [FtpHashAlgorithm.Sha1, FtpHashAlgorithm.Sha256, FtpHashAlgorithm.Sha512, FtpHashAlgorithm.Md5, FtpHashAlgorithm.Crc32];

    public static string Name(FtpHashAlgorithm algorithm) => algorithm switch
    {
        FtpHashAlgorithm.Sha1 => "SHA-1",
        FtpHashAlgorithm.Sha256 => "SHA-256",
        FtpHashAlgorithm.Sha512 => "SHA-512",
        FtpHashAlgorithm.Md5 => "MD5",
        FtpHashAlgorithm.Crc32 => "CRC32",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>Parses a name, case-insensitively (<c>sha-256</c> and <c>SHA256</c> too, as some clients send it).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out FtpHashAlgorithm algorithm)
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
    public static string Feature(FtpHashAlgorithm selected)
        => "HASH " + string.Join(';', All.Select(a => a == selected ? Name(a) + "*" : Name(a)));
}
