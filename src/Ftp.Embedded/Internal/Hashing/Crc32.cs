namespace Ftp.Embedded.Internal.Hashing;

/// <summary>CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) as zlib, ZIP and XCRC compute it.</summary>
internal sealed class Crc32
{
    private static readonly uint[] Table = BuildTable();
    private uint _crc = 0xFFFFFFFFu;

    public void Append(ReadOnlySpan<byte> data)
    {
        var crc = _crc;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        _crc = crc;
    }

    public uint Value => ~_crc;

    /// <summary>The value's 4 bytes, most significant first, so the hex reads as zlib's <c>crc32</c> prints it.</summary>
    public byte[] GetHash()
    {
        var value = Value;
        return [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
