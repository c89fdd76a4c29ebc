namespace Ftp.Embedded.Tests;

public class PlaceholderTests
{
    [Fact]
    public void Builds() => true.Should().BeTrue();
}
