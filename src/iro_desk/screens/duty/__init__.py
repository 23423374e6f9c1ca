"""The duty desk: today's enquiries, one enquiry, logging one, and the rota."""
