"""Answer templates: reusable answers per category and decision, in each language, kept by the
heads for their body and by the admins for every body; and the paragraph on how to complain,
which the system adds to every answer itself."""
