namespace Ftp.Embedded.Internal.Protocol;

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
