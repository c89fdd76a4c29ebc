namespace Ftp.Embedded.Internal.Protocol;

/// <summary>The transfer parameters a client set; replaced as a whole when one changes.</summary>
internal sealed record TransferSettings(DataType Type, bool Utf8, bool EpsvAll, MlstFacts MlstFacts)
{
    public static TransferSettings Default { get; } = new(DataType.Ascii, true, false, MlstFacts.Default);
}
