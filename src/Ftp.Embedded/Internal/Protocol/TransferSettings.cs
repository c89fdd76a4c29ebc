namespace Ftp.Embedded.Internal.Protocol;

/// <summary>The transfer parameters a client set; replaced as a whole when one changes.</summary>
internal sealed record TransferSettings(DataType Type, bool Utf8, bool EpsvAll, MlstFacts MlstFacts)
{
    /// <summary>The algorithm HASH uses, chosen with OPTS HASH.</summary>
    public FtpChecksumAlgorithm HashAlgorithm { get; init; } = FtpChecksumAlgorithm.Sha256;

    public static TransferSettings Default { get; } = new(DataType.Ascii, true, false, MlstFacts.Default);
}
