#include "printing.h"

namespace twirp::plugin {
namespace {

namespace pb = google::protobuf;

template <class DescriptorT>
std::string LeadingCommentsOf(const DescriptorT* descriptor) {
  pb::SourceLocation location;
  if (!descriptor->GetSourceLocation(&location)) return "";
  return location.leading_comments;
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string joined;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i != 0) joined += separator;
    joined += parts[i];
  }
  return joined;
}

}  // namespace

std::string LeadingComments(const pb::ServiceDescriptor* service) {
  return LeadingCommentsOf(service);
}
std::string LeadingComments(const pb::MethodDescriptor* method) {
  return LeadingCommentsOf(method);
}

void PrintComments(pb::io::Printer& printer, std::string_view comments, int indent) {
  // protoc keeps the text after "//" (usually starting with a space) and a final
  // newline; block comments come without the space.
  while (!comments.empty() && (comments.back() == '\n' || comments.back() == ' ')) {
    comments.remove_suffix(1);
  }
  if (comments.empty()) return;
  const std::string margin(static_cast<std::size_t>(indent), ' ');
  std::size_t start = 0;
  while (start <= comments.size()) {
    std::size_t end = comments.find('\n', start);
    if (end == std::string_view::npos) end = comments.size();
    std::string_view text = comments.substr(start, end - start);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
      text.remove_suffix(1);
    }
    std::string line = margin + "//";
    if (!text.empty()) {
      if (text.front() != ' ') line += ' ';
      line += text;
      // A backslash at the end would splice the next line of code into the comment.
      if (line.back() == '\\') line += '.';
    }
    line += '\n';
    printer.PrintRaw(line);
    start = end + 1;
  }
}

std::string WrapArgs(int indent, std::string_view head, const std::vector<std::string>& args,
                     std::string_view tail) {
  // The arguments would continue the head's last line.
  const std::size_t newline = head.rfind('\n');
  const std::size_t column = newline == std::string_view::npos
                                 ? static_cast<std::size_t>(indent) + head.size()
                                 : head.size() - newline - 1;
  const std::string joined = Join(args, ", ");
  const std::size_t closing = 1 + tail.size();  // ")" and the tail
  if (column + joined.size() + closing <= kColumnLimit) {
    return std::string(head) + joined + ")" + std::string(tail);
  }
  const std::string continuation(static_cast<std::size_t>(indent) + 4, ' ');
  if (continuation.size() + joined.size() + closing <= kColumnLimit) {
    return std::string(head) + "\n" + continuation + joined + ")" + std::string(tail);
  }
  return std::string(head) + "\n" + continuation + Join(args, ",\n" + continuation) + ")" +
         std::string(tail);
}

std::string WrapCall(int indent, std::string_view head, const std::vector<std::string>& args,
                     std::string_view tail) {
  return WrapArgs(indent, std::string(head) + "(", args, tail);
}

std::string TemplateCallHead(int indent, std::string_view name,
                             const std::vector<std::string>& args) {
  const auto column = static_cast<std::size_t>(indent);
  std::string head = std::string(name) + "<" + Join(args, ", ") + ">(";
  if (column + head.size() <= kColumnLimit) return head;
  const std::string align(column + name.size() + 1, ' ');
  return std::string(name) + "<" + Join(args, ",\n" + align) + ">(";
}

std::string WrapAssignment(int indent, std::string_view lhs, std::string_view rhs) {
  const auto column = static_cast<std::size_t>(indent);
  std::string assignment = std::string(lhs) + " =";
  if (column + assignment.size() + 1 + rhs.size() + 1 <= kColumnLimit) {
    return assignment + " " + std::string(rhs) + ";";
  }
  return assignment + "\n" + std::string(column + 4, ' ') + std::string(rhs) + ";";
}

}  // namespace twirp::plugin
