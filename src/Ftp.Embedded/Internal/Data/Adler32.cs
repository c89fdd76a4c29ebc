namespace Ftp.Embedded.Internal.Data;

/// <summary>The Adler-32 checksum (RFC 1950 section 8.2) that ends a zlib stream.</summary>
internal struct Adler32
{
    private const uint Modulus = 65521;

    // The most bytes before the sums must be reduced so that b cannot overflow 32 bits (zlib's NMAX).
    private const int Block = 5552;

    private uint _a;
    private uint _b;

    public static Adler32 Initial => new() { _a = 1 };

    public readonly uint Value => (_b << 16) | _a;

    public void Update(ReadOnlySpan<byte> data)
    {
        uint a = _a, b = _b;
        while (!data.IsEmpty)
        {
            var block = data[..Math.Min(Block, data.Length)];
            foreach (var x in block)
            {
                a += x;
                b += a;
            }

            a %= Modulus;
            b %= Modulus;
            data = data[block.Length..];
        }

        (_a, _b) = (a, b);
    }
}
