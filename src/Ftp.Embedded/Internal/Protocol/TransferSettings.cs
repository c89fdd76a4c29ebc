namespace Ftp.Embedded.Internal.Protocol;

/// <summary>The transfer parameters a client set; replaced as a whole when one changes.</summary>
internal sealed record TransferSettings(DataType Type, bool Utf8, bool EpsvAll, MlstFacts MlstFacts)
{
    /// <summary>The algorithm HASH uses, chosen with OPTS HASH.</summary>
    public FtpChecksumAlgorithm HashAlgorithm { get; init; } = FtpChecksumAlgorithm.Sha256;

    public static TransferSettings Default { get; } = new(DataType.Ascii, true, false, MlstFacts.Default);

    /// <summary>MODE Z: data connections carry a zlib stream (MODE S turns it off).</summary>
    public bool Compressed { get; init; }

    /// <summary>The zlib level of MODE Z sends (<c>OPTS MODE Z LEVEL n</c>, 0 to 9; zlib's default 6).</summary>
    public int CompressionLevel { get; init; } = 6;
}
