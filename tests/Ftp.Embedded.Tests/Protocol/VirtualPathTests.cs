using Ftp.Embedded.Internal.Protocol;

namespace Ftp.Embedded.Tests.Protocol;

public class VirtualPathTests
{
    private static string Resolve(string current, string argument)
    {
        VirtualPath.TryResolve(current, argument, 1024, out var path).Should().Be(PathError.None);
        return path;
    }

    [Theory]
    [InlineData("/", "a", "/a")]
    [InlineData("/x", "a/b", "/x/a/b")]
    [InlineData("/x", "/a", "/a")]
    [InlineData("/x/y", "..", "/x")]
    [InlineData("/", "/../..", "/")]
    [InlineData("/x", "a/../../b", "/b")]
    [InlineData("/x", "../../../../etc/passwd", "/etc/passwd")]
    [InlineData("/", "//a//b/", "/a/b")]
    [InlineData("/", "./a/./b/.", "/a/b")]
    [InlineData("/a", "", "/a")]
    [InlineData("/a", ".", "/a")]
    [InlineData("/", "~", "/~")]
    [InlineData("/", "~/x", "/~/x")]
    [InlineData("/", "%2e%2e", "/%2e%2e")]
    [InlineData("/", "...", "/...")]
    [InlineData("/", "a b ", "/a b ")]
    public void Resolves_lexically_under_the_root(string current, string argument, string expected)
        => Resolve(current, argument).Should().Be(expected);

    [Theory]
    [InlineData("a\\b")]
    [InlineData("..\\..\\etc")]
    [InlineData("a\0b")]
    [InlineData("a\rb")]
    [InlineData("a\nb")]
    public void Refuses_separators_and_control_characters(string argument)
        => VirtualPath.TryResolve("/", argument, 1024, out _).Should().Be(PathError.InvalidCharacter);

    [Fact]
    public void A_path_at_the_limit_is_accepted_and_one_longer_is_refused()
    {
        VirtualPath.TryResolve("/", new string('a', 1023), 1024, out var path).Should().Be(PathError.None);
        path.Should().HaveLength(1024);
        VirtualPath.TryResolve("/", new string('a', 1024), 1024, out _).Should().Be(PathError.TooLong);
    }

    [Fact]
    public void The_limit_applies_to_the_result_not_to_dot_dot_segments()
    {
        var climbing = string.Concat(Enumerable.Repeat("a/../", 100)) + "b";
        VirtualPath.TryResolve("/", climbing, 1024, out var path).Should().Be(PathError.None);
        path.Should().Be("/b");
    }

    [Fact]
    public void A_huge_argument_is_refused_without_building_it()
        => VirtualPath.TryResolve("/", new string('/', 1_000_000), 1024, out _).Should().Be(PathError.TooLong);

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/a", "/")]
    [InlineData("/a/b", "/a")]
    public void Parents(string path, string parent) => VirtualPath.GetParent(path).Should().Be(parent);

    [Theory]
    [InlineData("/", "a", "/a")]
    [InlineData("/x", "a", "/x/a")]
    public void Combines(string directory, string name, string expected) => VirtualPath.Combine(directory, name).Should().Be(expected);
}
