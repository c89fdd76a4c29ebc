namespace Ftp.Embedded.Internal.Protocol;

/// <summary>Representation type (RFC 959 section 3.1.1).</summary>
internal enum DataType
{
    Ascii,
    Binary,
}
