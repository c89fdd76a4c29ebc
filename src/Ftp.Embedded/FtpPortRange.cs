using System.ComponentModel;
using System.Globalization;

namespace Ftp.Embedded;

/// <summary>
/// An inclusive range of TCP ports, such as the passive ports <c>50000-50100</c>. In code a tuple converts to it
/// (<c>o.Passive.PortRange = (50000, 50100);</c>); in configuration it is the text <c>"50000-50100"</c>, which
/// <see cref="Parse"/> reads and which configuration binders read through its <see cref="TypeConverter"/>.
/// </summary>
[TypeConverter(typeof(FtpPortRangeConverter))]
public readonly struct FtpPortRange : IEquatable<FtpPortRange>
{
    /// <summary>Creates the range <paramref name="from"/>-<paramref name="to"/>.</summary>
    /// <param name="from">The first port, 1 to 65535.</param>
    /// <param name="to">The last port, from <paramref name="from"/> to 65535.</param>
    /// <exception cref="ArgumentOutOfRangeException">The ports are not 1 &lt;= from &lt;= to &lt;= 65535.</exception>
    public FtpPortRange(int from, int to)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(from, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(to, 65535);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(from, to);
        From = from;
        To = to;
    }

    /// <summary>The first port of the range.</summary>
    public int From { get; }

    /// <summary>The last port of the range (inclusive).</summary>
    public int To { get; }

    /// <summary>The range of a tuple, so that <c>o.Passive.PortRange = (50000, 50100);</c> compiles.</summary>
    /// <param name="range">The first and the last port.</param>
    public static implicit operator FtpPortRange((int From, int To) range) => new(range.From, range.To);

    /// <summary>Whether two ranges are the same.</summary>
    /// <param name="left">A range.</param>
    /// <param name="right">Another range.</param>
    public static bool operator ==(FtpPortRange left, FtpPortRange right) => left.Equals(right);

    /// <summary>Whether two ranges differ.</summary>
    /// <param name="left">A range.</param>
    /// <param name="right">Another range.</param>
    public static bool operator !=(FtpPortRange left, FtpPortRange right) => !left.Equals(right);

    /// <summary>Reads <c>FROM-TO</c>, such as <c>50000-50100</c> (spaces around the dash are allowed).</summary>
    /// <param name="text">The range as text.</param>
    /// <returns>The range.</returns>
    /// <exception cref="FormatException">The text is not FROM-TO with 1 &lt;= FROM &lt;= TO &lt;= 65535.</exception>
    public static FtpPortRange Parse(string text)
        => TryParse(text, out var range)
            ? range
            : throw new FormatException($"'{text}' is not a port range: use FROM-TO with 1 <= FROM <= TO <= 65535, such as 50000-50100.");

    /// <summary>Reads <c>FROM-TO</c> as <see cref="Parse"/> does, without throwing.</summary>
    /// <param name="text">The range as text.</param>
    /// <param name="range">The range when the text is one.</param>
    /// <returns>Whether <paramref name="text"/> is a valid range.</returns>
    public static bool TryParse(string? text, out FtpPortRange range)
    {
        range = default;
        var parts = (text ?? "").Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var to)
            && from is >= 1 and <= 65535 && to >= from && to <= 65535)
        {
            range = new FtpPortRange(from, to);
            return true;
        }

        return false;
    }

    /// <inheritdoc/>
    public bool Equals(FtpPortRange other) => From == other.From && To == other.To;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is FtpPortRange other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(From, To);

    /// <summary>The range as <c>FROM-TO</c>, the form <see cref="Parse"/> reads.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{From}-{To}");
}

/// <summary>Converts <see cref="FtpPortRange"/> from and to its text form, for configuration binders.</summary>
internal sealed class FtpPortRangeConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType)
        => sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override bool CanConvertTo(ITypeDescriptorContext? context, Type? destinationType)
        => destinationType == typeof(string) || base.CanConvertTo(context, destinationType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
        => value is string text ? FtpPortRange.Parse(text) : base.ConvertFrom(context, culture, value);

    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType)
        => destinationType == typeof(string) && value is FtpPortRange range ? range.ToString() : base.ConvertTo(context, culture, value, destinationType);
}
