namespace Ftp.Embedded.Internal.Session;

/// <summary>Where a session is in its life.</summary>
internal enum SessionPhase
{
    AwaitingUser,
    AwaitingPassword,
    LoggedIn,
    Closing,
}

/// <summary>Representation type (RFC 959 section 3.1.1).</summary>
internal enum DataType
{
    Ascii,
    Binary,
}

/// <summary>The transfer parameters a client set; replaced as a whole when one changes.</summary>
internal sealed record TransferSettings(DataType Type, bool Utf8, bool EpsvAll, MlstFacts MlstFacts)
{
    public static TransferSettings Default { get; } = new(DataType.Ascii, true, false, MlstFacts.Default);
}

/// <summary>The MLST/MLSD facts a client asked for with OPTS MLST (RFC 3659 section 7.9).</summary>
[Flags]
internal enum MlstFacts
{
    None = 0,
    Type = 1,
    Size = 2,
    Modify = 4,
    Perm = 8,
    Unique = 16,
    UnixMode = 32,
    Default = Type | Size | Modify | Perm | Unique,
}

/// <summary>One-shot state that only the next command may consume (REST offset, RNFR path).</summary>
internal sealed record Pending(long RestartOffset, string? RenameFrom)
{
    public static Pending None { get; } = new(0, null);
}
