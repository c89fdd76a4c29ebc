namespace Ftp.Embedded;

/// <summary>The checksum algorithms of HASH (draft-bryan-ftpext-hash-02) and of XCRC, XMD5, XSHA1, XSHA256, XSHA512.</summary>
public enum FtpChecksumAlgorithm
{
    /// <summary>SHA-256 (the default of <c>OPTS HASH</c>; XSHA256).</summary>
    Sha256,

    /// <summary>SHA-1 (XSHA1).</summary>
    Sha1,

    /// <summary>SHA-512 (XSHA512).</summary>
    Sha512,

    /// <summary>MD5 (XMD5).</summary>
    Md5,

    /// <summary>CRC-32 as zlib and ZIP compute it (XCRC); its 4 bytes in big-endian order.</summary>
    Crc32,
}
